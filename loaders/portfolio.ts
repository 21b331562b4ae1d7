/**
 * `data/portfolio.json`: everything the Portfolio page shows when opened, each number a column of
 * a `site_*` model (src/sql/site/), of a size that does not grow with the book: the key numbers,
 * tier rows and health distribution (accounts per 5-point score bin and tier) of the whole book and
 * of the first SLICE_ROWS slices of each dimension (segment, plan, region, CSM; most ARR first),
 * with the count of each dimension's slices, revenue retention by month, quarter and signup
 * cohort, tiers over time in accounts and ARR, tier moves per week and the first rows of "needs
 * attention this week". A large book has a CSM per ~40 accounts: at 100k accounts the CSMs' rows
 * were most of this file's 4.6 MiB.
 * `data/portfolio-slices-rest.json`: the same for the other slices, fetched when the reader picks
 * a dimension that has more.
 * `data/portfolio-accounts.json`: the accounts table's first ACCOUNT_ROWS rows (the largest ARR
 * first, as the table opens) and the count of all, fetched when the reader reaches the table;
 * `data/portfolio-accounts-rest.json` the other rows, fetched when the reader asks for more.
 */
import type { DuckDBValue } from "@duckdb/node-api";
import { paramsFor, sqlFile } from "../src/sql/files.ts";
import { columnsOf, dictColumn, round, day } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** Renewals "due" on the page: within this many days of the export. */
export const RENEWAL_DAYS = 90;
/** Months and quarters of revenue retention shown. */
export const RETENTION_MONTHS = 24;
export const RETENTION_QUARTERS = 8;
/** Rows of "needs attention this week" sent to the page (the count of all is sent too). */
export const ATTENTION_ROWS = 25;
/**
 * Slices of each dimension in `data/portfolio.json` (a list a reader scans). A slice as columns is
 * 0.35 KiB on the demo (key numbers 0.14, 4 tier rows 0.12, distribution 0.1) and at most about
 * 1.3 KiB however many accounts it has (20 bins x 4 tiers of distribution), so 4 dimensions x 25
 * slices stay under 150 KiB at any book size. The rest file, fetched when the reader picks the CSMs
 * of a large book, is about 0.5 KiB a CSM: some 1.2 MiB for the 2,500 CSMs of 100k accounts.
 */
export const SLICE_ROWS = 25;
/**
 * Rows of the accounts table's first file (the table shows 20 at a time; a reader scrolls a few
 * hundred at most). An account is about 85 bytes as columns (84 on the demo, 74 at 100k accounts),
 * so 1,000 rows stay under 100 KiB at any book size.
 */
export const ACCOUNT_ROWS = 1000;

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

/** Rows as columns (`columnsOf`; the page's `rowsOf` gives the rows back). */
export type Columns = Record<string, unknown[] | DictColumn>;

/** Some slices' rows of the three slice marts, as columns. */
export interface PortfolioSlices {
  /** site_portfolio_kpis (rows: PortfolioKpis), in the mart's order. */
  kpis: Columns;
  /** site_portfolio_tiers (rows: PortfolioTier), by dimension, slice_rank and tier. */
  tiers: Columns;
  /** site_portfolio_distribution (rows: DistributionRow), by dimension, slice_rank, bin and tier. */
  distribution: Columns;
}

export interface Portfolio extends PortfolioSlices {
  latest_week_end: string | null;
  /** The export's date (UTC), from which renewals are counted. */
  exported_on: string;
  renewal_days: number;
  /** The slices of each dimension the key numbers have (site_portfolio_kpis), by dimension. */
  slice_counts: Record<string, number>;
  /** `kpis`, `tiers` and `distribution` hold each dimension's slices of slice_rank up to this; portfolio-slices-rest.json the others. */
  slice_rows: number;
  tier_weeks: { week_end: string; tier: string; accounts: number; arr: number }[];
  moves: { week_end: string; up: number; down: number }[];
  /** The whole book's months, quarters and last 12 months, and the signup cohorts' last 12 months (the other slices' are in `kpis`). */
  retention: RetentionRow[];
  /** null when the run has no alerts. */
  attention: { total: number; rows: AttentionRow[] } | null;
}

/** Rows of the accounts table of the Portfolio page, in the table's opening order: the largest ARR first. */
export interface PortfolioAccounts {
  /** Every current account (site_portfolio_accounts), whatever part of them `accounts` holds. */
  total: number;
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

/** How many rows of a list a file holds: a positive whole number. */
function checkRows(name: string, rows: number): number {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`${name} must be a positive whole number, got ${rows}`);
  return rows;
}

const money = (v: number | null) => round(v, 0);
const share = (v: number | null) => round(v, 4);

/**
 * The slice marts' rows of the slices of slice_rank up to `sliceRows` in each dimension (`part`
 * "first", the page's file) or after it ("rest"). The models must be built.
 */
async function slicesOf(outputs: Outputs, part: "first" | "rest", sliceRows: number): Promise<PortfolioSlices> {
  const { db } = outputs;
  // one of two fixed conditions; the cap travels as a parameter
  const keep = part === "first" ? "k.slice_rank <= $n" : "k.slice_rank > $n";
  const n = { n: sliceRows };
  const kpis = (
    await db.all<PortfolioKpis>(
      `select * from site_portfolio_kpis as k where ${keep} order by dimension = 'all' desc, dimension, slice_rank`,
      n,
    )
  ).map((k) => ({
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
  const tiers = (
    await db.all<PortfolioTier>(
      `select t.* from site_portfolio_tiers as t join site_portfolio_kpis as k using (dimension, slice)
       where ${keep} order by t.dimension, k.slice_rank, t.tier_position`,
      n,
    )
  ).map((t) => ({ ...t, arr: money(t.arr)!, renewals_due_arr: money(t.renewals_due_arr)! }));
  const distribution = await db.all<DistributionRow>(
    `select d.* from site_portfolio_distribution as d join site_portfolio_kpis as k using (dimension, slice)
     where ${keep} order by d.dimension, k.slice_rank, d.score_bin, d.tier_id`,
    n,
  );
  return { kpis: columnsOf(kpis), tiers: columnsOf(tiers), distribution: columnsOf(distribution) };
}

/** Builds the portfolio data of an opened output set, with the first `sliceRows` slices of each dimension. */
export async function portfolio(outputs: Outputs, options: { sliceRows?: number } = {}): Promise<Portfolio> {
  const sliceRows = checkRows("sliceRows", options.sliceRows ?? SLICE_ROWS);
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
  const counts = await db.all<{ dimension: string; slices: number }>(
    "select dimension, count(*)::integer as slices from site_portfolio_kpis group by dimension order by dimension",
  );
  // the slices' own last 12 months travel in kpis; the page shows the book's periods and the cohorts'
  const retention = (
    await db.all<RetentionRow & { period_start: Date; period_end: Date }>(
      "select * from site_revenue_retention where dimension in ('all', 'signup_quarter')",
    )
  ).map((r) => ({
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
  }));
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
    slice_counts: Object.fromEntries(counts.map((c) => [c.dimension, c.slices])),
    slice_rows: sliceRows,
    ...(await slicesOf(outputs, "first", sliceRows)),
    tier_weeks: tierWeeks.map((t) => ({ week_end: day(t.week_end)!, tier: t.tier, accounts: t.accounts, arr: round(t.arr, 0) ?? 0 })),
    moves: [...moves.values()],
    retention,
    attention,
  };
}

/** The slice marts' rows of the slices `portfolio` leaves out: each dimension's after its first `sliceRows`. */
export async function portfolioSlicesRest(outputs: Outputs, options: { sliceRows?: number } = {}): Promise<PortfolioSlices> {
  const sliceRows = checkRows("sliceRows", options.sliceRows ?? SLICE_ROWS);
  await buildPortfolioModels(outputs);
  return slicesOf(outputs, "rest", sliceRows);
}

/**
 * The accounts table's rows of an opened output set, in the table's opening order (the largest
 * ARR first): the first `accountRows` (`part` "first") or the others ("rest"), with the count of all.
 */
export async function portfolioAccounts(
  outputs: Outputs,
  options: { part?: "first" | "rest"; accountRows?: number } = {},
): Promise<PortfolioAccounts> {
  const accountRows = checkRows("accountRows", options.accountRows ?? ACCOUNT_ROWS);
  await buildAccountModels(outputs);
  const hasAlerts = outputs.has("alerts");
  const total = (await outputs.db.one<{ n: number }>("select count(*)::integer as n from site_portfolio_accounts"))?.n ?? 0;
  // one of two fixed clauses; the cap travels as a parameter
  const part = (options.part ?? "first") === "first" ? "limit $n" : "offset $n";
  const rows = await outputs.db.all<AccountRow & { open_alerts: number | null }>(
    `select a.*, c.open_alerts from site_portfolio_accounts as a left join site_alert_counts as c using (account_id)
     order by a.arr desc, a.account_id ${part}`,
    { n: accountRows },
  );
  return {
    total,
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

/** Loader core: the JSON text of `portfolioSlicesRest` for the outputs in `dir`. */
export async function portfolioSlicesRestLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, portfolioSlicesRest));
}

/** Loader core: the JSON text of the accounts table's first rows for the outputs in `dir`. */
export async function portfolioAccountsLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, (o) => portfolioAccounts(o, { part: "first" })));
}

/** Loader core: the JSON text of the accounts table's other rows for the outputs in `dir`. */
export async function portfolioAccountsRestLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, (o) => portfolioAccounts(o, { part: "rest" })));
}
