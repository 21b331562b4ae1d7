/**
 * `data/portfolio.json`: everything the portfolio page shows, sized for 10k accounts (under 1 MB):
 * current accounts as dictionary-encoded columns, tier counts per week, tier moves per week, and
 * this week's alerts when the run has them.
 */
import { sqlFile } from "../src/sql/files.ts";
import { accountSlug, dictColumn, round, day } from "./lib/encode.ts";
import type { DictColumn } from "../reports/lib/columns.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

type AccountRow = {
  account_id: string; account_name: string; segment: string | null; region: string | null; plan: string | null; csm_owner: string | null;
  arr: number; seats: number; renewal_in_days: number | null; score: number | null; tier: string | null; score_change_4w: number | null;
  coverage: number | null; cap_reason: string | null;
};

export interface Portfolio {
  latest_week_end: string | null;
  accounts: {
    id: string[]; slug: (string | null)[]; name: string[]; arr: number[]; seats: number[]; renewal_in_days: (number | null)[];
    score: (number | null)[]; change: (number | null)[]; coverage: (number | null)[]; open_alerts: (number | null)[];
    segment: DictColumn; region: DictColumn; plan: DictColumn; csm: DictColumn; tier: DictColumn; cap: DictColumn;
  };
  tier_weeks: { week_end: string; tier: string; accounts: number; arr: number }[];
  moves: { week_end: string; up: number; down: number }[];
  alerts_this_week: number | null;
  churned_accounts: number;
}

/** Builds the portfolio data of an opened output set. */
export async function portfolio(outputs: Outputs): Promise<Portfolio> {
  const { db, summary, formula } = outputs;
  const rows = await db.all<AccountRow>(sqlFile("site/site_portfolio_accounts.sql"));
  const openAlerts = new Map<string, number>();
  let alertsThisWeek: number | null = null;
  if (outputs.has("alerts")) {
    for (const r of await db.all<{ account_id: string; n: number }>("select account_id, count(*)::integer as n from alerts where is_open group by account_id")) openAlerts.set(r.account_id, r.n);
    const latest = await db.one<{ n: number }>("select count(*)::integer as n from alerts where raised_week_end = (select max(week_end) from account_health_weekly)");
    alertsThisWeek = latest?.n ?? 0;
  }
  const tierWeeks = await db.all<{ week_end: Date; tier: string; accounts: number; arr: number }>(sqlFile("site/site_tier_weeks.sql"));
  const rank = new Map(formula.tiers.map((t, i) => [t.id, i]));
  const moves = new Map<string, { week_end: string; up: number; down: number }>();
  for (const m of await db.all<{ week_end: Date; from_tier: string; to_tier: string; accounts: number }>(sqlFile("site/site_tier_moves.sql"))) {
    const week = day(m.week_end)!;
    const entry = moves.get(week) ?? { week_end: week, up: 0, down: 0 };
    if ((rank.get(m.to_tier) ?? 0) > (rank.get(m.from_tier) ?? 0)) entry.down += m.accounts;
    else entry.up += m.accounts;
    moves.set(week, entry);
  }
  const churned = await db.one<{ n: number }>("select count(*)::integer as n from accounts where is_churned");
  return {
    latest_week_end: summary.weeks.last_week_end,
    accounts: {
      id: rows.map((r) => r.account_id),
      // null when the slug is the id itself, which is almost always: saves bytes at 10k accounts
      slug: rows.map((r) => (accountSlug(r.account_id) === r.account_id ? null : accountSlug(r.account_id))),
      name: rows.map((r) => r.account_name),
      arr: rows.map((r) => round(r.arr, 0) ?? 0),
      seats: rows.map((r) => r.seats),
      renewal_in_days: rows.map((r) => r.renewal_in_days),
      score: rows.map((r) => round(r.score, 1)),
      change: rows.map((r) => round(r.score_change_4w, 1)),
      coverage: rows.map((r) => round(r.coverage, 2)),
      open_alerts: rows.map((r) => (alertsThisWeek === null ? null : (openAlerts.get(r.account_id) ?? 0))),
      segment: dictColumn(rows.map((r) => r.segment)),
      region: dictColumn(rows.map((r) => r.region)),
      plan: dictColumn(rows.map((r) => r.plan)),
      csm: dictColumn(rows.map((r) => r.csm_owner)),
      tier: dictColumn(rows.map((r) => r.tier)),
      cap: dictColumn(rows.map((r) => r.cap_reason)),
    },
    tier_weeks: tierWeeks.map((t) => ({ week_end: day(t.week_end)!, tier: t.tier, accounts: t.accounts, arr: round(t.arr, 0) ?? 0 })),
    moves: [...moves.values()],
    alerts_this_week: alertsThisWeek,
    churned_accounts: churned?.n ?? 0,
  };
}

/** Loader core: the JSON text of `portfolio` for the outputs in `dir`. */
export async function portfolioLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, portfolio));
}
