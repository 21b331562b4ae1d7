/**
 * `data/portfolio.json`: everything the Portfolio page shows when opened, each number a column of
 * a `site_*` model (src/sql/site/), with no list of accounts, so its size does not grow with the
 * book: the key numbers, tier rows and health distribution (accounts per 5-point score bin and
 * tier) of the whole book and of each slice (segment, plan, region, CSM), revenue retention by
 * month, quarter, slice and signup cohort, tiers over time in accounts and ARR, tier moves per
 * week and "needs attention this week".
 * `data/portfolio-accounts.json`: the accounts table's rows (every current account, as
 * dictionary-encoded columns), which the page fetches only when the reader reaches the table.
 */
import type { DuckDBValue } from "@duckdb/node-api";
import { paramsFor, sqlFile } from "../src/sql/files.ts";
import { dictColumn, round, day } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** Renewals "due" on the page: within this many days of the export. */
export const RENEWAL_DAYS = 90;
/** Months and quarters of revenue retention shown. */
export const RETENTION_MONTHS = 24;
export const RETENTION_QUARTERS = 8;
/** Rows of "needs attention this week" sent to the page (the count of all is sent too). */
export const ATTENTION_ROWS = 25;

type AccountRow = {
  account_id: string;
  account_name: string;
  segment: string | null;
  region: string | null;
  plan: string | null;
  csm_owner: string | null;
  arr: number;
  seats: number;
  renewal_date: Date | null;
  renewal_in_days: number | null;
  score: number | null;
  tier_group: string;
  score_change_4w: number | null;
};

/** One slice's key numbers (site_portfolio_kpis). */
export type PortfolioKpis = {
  dimension: string;
  slice: string;
  accounts: number;
  arr: number;
  scored_accounts: number;
  mean_score: number | null;
  not_scored_accounts: number;
  not_scored_arr: number;
  not_best_accounts: number;
  not_best_arr: number;
  not_best_share: number | null;
  renewals_due_accounts: number;
  renewals_due_arr: number;
  renewals_due_not_best_accounts: number;
  renewals_due_not_best_arr: number;
  churned_accounts: number;
  alerts_this_week: number | null;
  open_alert_accounts: number | null;
  churned_arr_12m: number | null;
  churned_accounts_12m: number | null;
  start_arr_12m: number | null;
  grr_12m: number | null;
  nrr_12m: number | null;
  logo_churn_12m: number | null;
};

/** One slice's tier row (site_portfolio_tiers). */
export type PortfolioTier = {
  dimension: string;
  slice: string;
  tier_id: string;
  tier_label: string;
  tier_position: number;
  accounts: number;
  arr: number;
  renewals_due_accounts: number;
  renewals_due_arr: number;
};

/** One period of revenue retention (site_revenue_retention). */
export type RetentionRow = {
  period_kind: "month" | "quarter" | "trailing_12_months";
  period_start: string;
  period_end: string;
  dimension: string;
  slice: string;
  start_accounts: number;
  start_arr: number;
  churned_accounts: number;
  churned_arr: number;
  contracted_accounts: number;
  contraction_arr: number;
  expanded_accounts: number;
  expansion_arr: number;
  new_accounts: number;
  new_arr: number;
  end_accounts: number;
  end_arr: number;
  grr: number | null;
  nrr: number | null;
  logo_churn: number | null;
  renewals: number;
  churns: number;
  renewal_rate: number | null;
  renewal_rate_arr: number | null;
};

/** One account of "needs attention this week" (site_attention). */
export type AttentionRow = {
  attention_rank: number;
  account_id: string;
  account_name: string;
  arr: number;
  score: number | null;
  tier: string;
  renewal_date: string | null;
  renewal_in_days: number | null;
  is_renewal_due: boolean;
  owner: string | null;
  open_alerts: number;
  severity: string;
  reason: string;
  other_reasons: string[];
  playbook: string | null;
  first_raised_week_end: string | null;
  arr_at_stake: number;
};

/** One slice's accounts in one score bin and tier (site_portfolio_distribution). */
export type DistributionRow = { dimension: string; slice: string; score_bin: number; tier_id: string; accounts: number };

export interface Portfolio {
  latest_week_end: string | null;
  /** The export's date (UTC), from which renewals are counted. */
  exported_on: string;
  renewal_days: number;
  /** site_portfolio_distribution as columns (dimension, slice and tier dictionary-encoded). */
  distribution: {
    dimension: DictColumn;
    slice: DictColumn;
    score_bin: number[];
    tier_id: DictColumn;
    accounts: number[];
  };
  kpis: PortfolioKpis[];
  tiers: PortfolioTier[];
  tier_weeks: { week_end: string; tier: string; accounts: number; arr: number }[];
  moves: { week_end: string; up: number; down: number }[];
  retention: RetentionRow[];
  /** null when the run has no alerts. */
  attention: { total: number; rows: AttentionRow[] } | null;
}

/** The accounts table of the Portfolio page: every current account, the largest ARR first. */
export interface PortfolioAccounts {
  accounts: {
    id: string[];
    name: string[];
    arr: number[];
    seats: number[];
    renewal_date: (string | null)[];
    renewal_in_days: (number | null)[];
    score: (number | null)[];
    change: (number | null)[];
    open_alerts: (number | null)[];
    segment: DictColumn;
    region: DictColumn;
    plan: DictColumn;
    csm: DictColumn;
    tier: DictColumn;
  };
}

/**
 * Builds the site_* models of the Portfolio page in the outputs' database, as temporary tables in
 * graph order (later models read earlier ones). Exported so tests read the same models.
 */
export async function buildPortfolioModels(outputs: Outputs): Promise<void> {
  const params = await buildAccountModels(outputs);
  for (const model of [
    "site_revenue_retention",
    "site_portfolio_tiers",
    "site_portfolio_distribution",
    "site_portfolio_kpis",
    "site_tier_weeks",
  ]) {
    await createTemp(outputs, model, params);
  }
  if (outputs.has("alerts")) await createTemp(outputs, "site_attention", params);
}

/**
 * The models of the accounts table, which the others read too: site_tiers, site_alert_counts,
 * site_account_slices and site_portfolio_accounts. Returns the models' parameters.
 */
async function buildAccountModels(outputs: Outputs): Promise<Record<string, string | number | boolean>> {
  const { db, summary, formula } = outputs;
  const tiers = [...formula.tiers].sort((a, b) => b.min - a.min);
  await db.run("create or replace temp table site_tiers (tier_id varchar, label varchar, position integer)");
  for (const [i, t] of tiers.entries())
    await db.run("insert into site_tiers values ($id, $label, $position)", { id: t.id, label: t.label, position: i });
  const params = {
    exported_at: summary.exported_at,
    renewal_days: RENEWAL_DAYS,
    best_tier: tiers[0]!.id,
    months: RETENTION_MONTHS,
    quarters: RETENTION_QUARTERS,
    has_alerts: outputs.has("alerts"),
  };
  await db.run(
    outputs.has("alerts")
      ? `create or replace temp table site_alert_counts as
         select account_id,
                count(*) filter (where raised_week_end = (select max(week_end) from account_health_weekly))::integer as alerts_this_week,
                count(*) filter (where is_open)::integer as open_alerts
         from alerts group by account_id`
      : "create or replace temp table site_alert_counts (account_id varchar, alerts_this_week integer, open_alerts integer)",
  );
  for (const model of ["site_account_slices", "site_portfolio_accounts"]) await createTemp(outputs, model, params);
  return params;
}

async function createTemp(outputs: Outputs, model: string, params: Record<string, string | number | boolean>): Promise<void> {
  const sql = sqlFile(`site/${model}.sql`);
  try {
    await outputs.db.run(`create or replace temp table ${model} as ${sql}`, paramsFor(sql, params) as Record<string, DuckDBValue>);
  } catch (error) {
    throw new Error(`building ${model} (src/sql/site/${model}.sql) failed: ${(error as Error).message}`);
  }
}

/** Builds the portfolio data of an opened output set. */
export async function portfolio(outputs: Outputs): Promise<Portfolio> {
  const { db, summary, formula } = outputs;
  await buildPortfolioModels(outputs);
  const hasAlerts = outputs.has("alerts");
  const rank = new Map([...formula.tiers].sort((a, b) => b.min - a.min).map((t, i) => [t.id, i]));
  const moves = new Map<string, { week_end: string; up: number; down: number }>();
  for (const m of await db.all<{ week_end: Date; from_tier: string; to_tier: string; accounts: number }>(
    sqlFile("site/site_tier_moves.sql"),
  )) {
    const week = day(m.week_end)!;
    const entry = moves.get(week) ?? { week_end: week, up: 0, down: 0 };
    if ((rank.get(m.to_tier) ?? 0) > (rank.get(m.from_tier) ?? 0)) entry.down += m.accounts;
    else entry.up += m.accounts;
    moves.set(week, entry);
  }
  const money = (v: number | null) => round(v, 0);
  const share = (v: number | null) => round(v, 4);
  const kpis = (await db.all<PortfolioKpis>("select * from site_portfolio_kpis")).map((k) => ({
    ...k,
    arr: money(k.arr)!,
    mean_score: round(k.mean_score, 1),
    not_scored_arr: money(k.not_scored_arr)!,
    not_best_arr: money(k.not_best_arr)!,
    not_best_share: share(k.not_best_share),
    renewals_due_arr: money(k.renewals_due_arr)!,
    renewals_due_not_best_arr: money(k.renewals_due_not_best_arr)!,
    churned_arr_12m: money(k.churned_arr_12m),
    start_arr_12m: money(k.start_arr_12m),
    grr_12m: share(k.grr_12m),
    nrr_12m: share(k.nrr_12m),
    logo_churn_12m: share(k.logo_churn_12m),
  }));
  const tiers = (await db.all<PortfolioTier>("select * from site_portfolio_tiers")).map((t) => ({
    ...t,
    arr: money(t.arr)!,
    renewals_due_arr: money(t.renewals_due_arr)!,
  }));
  const retention = (await db.all<RetentionRow & { period_start: Date; period_end: Date }>("select * from site_revenue_retention")).map(
    (r) => ({
      ...r,
      period_start: day(r.period_start)!,
      period_end: day(r.period_end)!,
      start_arr: money(r.start_arr)!,
      churned_arr: money(r.churned_arr)!,
      contraction_arr: money(r.contraction_arr)!,
      expansion_arr: money(r.expansion_arr)!,
      new_arr: money(r.new_arr)!,
      end_arr: money(r.end_arr)!,
      grr: share(r.grr),
      nrr: share(r.nrr),
      logo_churn: share(r.logo_churn),
      renewal_rate: share(r.renewal_rate),
      renewal_rate_arr: share(r.renewal_rate_arr),
    }),
  );
  const distribution = await db.all<DistributionRow>("select * from site_portfolio_distribution");
  const tierWeeks = await db.all<{ week_end: Date; tier: string; accounts: number; arr: number }>("select * from site_tier_weeks");
  let attention: Portfolio["attention"] = null;
  if (hasAlerts) {
    const total = (await db.one<{ n: number }>("select count(*)::integer as n from site_attention"))?.n ?? 0;
    const top = await db.all<AttentionRow & { renewal_date: Date | null; first_raised_week_end: Date | null }>(
      "select * from site_attention order by attention_rank limit $n",
      { n: ATTENTION_ROWS },
    );
    attention = {
      total,
      rows: top.map((a) => ({
        ...a,
        arr: money(a.arr)!,
        score: round(a.score, 1),
        arr_at_stake: money(a.arr_at_stake)!,
        renewal_date: day(a.renewal_date),
        first_raised_week_end: day(a.first_raised_week_end),
        other_reasons: [...(a.other_reasons ?? [])],
      })),
    };
  }
  return {
    latest_week_end: summary.weeks.last_week_end,
    exported_on: summary.exported_at.slice(0, 10),
    renewal_days: RENEWAL_DAYS,
    distribution: {
      dimension: dictColumn(distribution.map((d) => d.dimension)),
      slice: dictColumn(distribution.map((d) => d.slice)),
      score_bin: distribution.map((d) => d.score_bin),
      tier_id: dictColumn(distribution.map((d) => d.tier_id)),
      accounts: distribution.map((d) => d.accounts),
    },
    kpis,
    tiers,
    tier_weeks: tierWeeks.map((t) => ({ week_end: day(t.week_end)!, tier: t.tier, accounts: t.accounts, arr: round(t.arr, 0) ?? 0 })),
    moves: [...moves.values()],
    retention,
    attention,
  };
}

/** Builds the accounts table's rows of an opened output set. */
export async function portfolioAccounts(outputs: Outputs): Promise<PortfolioAccounts> {
  await buildAccountModels(outputs);
  const hasAlerts = outputs.has("alerts");
  const rows = await outputs.db.all<AccountRow & { open_alerts: number | null }>(
    `select a.*, c.open_alerts from site_portfolio_accounts as a left join site_alert_counts as c using (account_id) order by a.arr desc, a.account_id`,
  );
  return {
    accounts: {
      id: rows.map((r) => r.account_id),
      name: rows.map((r) => r.account_name),
      arr: rows.map((r) => round(r.arr, 0) ?? 0),
      seats: rows.map((r) => r.seats),
      renewal_date: rows.map((r) => day(r.renewal_date)),
      renewal_in_days: rows.map((r) => r.renewal_in_days),
      score: rows.map((r) => round(r.score, 1)),
      change: rows.map((r) => round(r.score_change_4w, 1)),
      open_alerts: rows.map((r) => (hasAlerts ? (r.open_alerts ?? 0) : null)),
      segment: dictColumn(rows.map((r) => r.segment)),
      region: dictColumn(rows.map((r) => r.region)),
      plan: dictColumn(rows.map((r) => r.plan)),
      csm: dictColumn(rows.map((r) => r.csm_owner)),
      tier: dictColumn(rows.map((r) => r.tier_group)),
    },
  };
}

/** Loader core: the JSON text of `portfolio` for the outputs in `dir`. */
export async function portfolioLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, portfolio));
}

/** Loader core: the JSON text of `portfolioAccounts` for the outputs in `dir`. */
export async function portfolioAccountsLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, portfolioAccounts));
}
