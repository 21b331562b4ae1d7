/**
 * The Portfolio page's marts on a hand-made book whose ARR changes are known, exported on a
 * Wednesday: revenue retention (GRR, NRR, logo churn, churned, contracted and expanded ARR, renewal
 * rate) over the trailing 12 months, by month, by slice and by signup cohort; renewals due within 90
 * days counted from the export's date with the contract's own dates; tiers over time in ARR as of
 * each week. Real engine run, real DuckDB; every expected figure is worked out by hand below.
 *
 * The book (export 2026-03-04, a Wednesday; trailing 12 months from 2025-03-04):
 *   A1 enterprise  new 10,000 (2024-01-15), expansion to 12,000 on 2025-06-01
 *   A2 enterprise  new 8,000 (2024-02-01), contraction to 5,000 on 2025-09-10
 *   A3 enterprise  new 6,000 (2024-03-01), churned 2025-12-01 (accounts.churned_at)
 *   A4 smb         new 4,000 on 2025-08-01: a new customer inside the window
 *   A5 smb         new 5,000 (2023-05-01), renewal 2025-05-01, churn 2025-07-01 and back at 3,000 on
 *                  2025-10-01 (subscription_changes): point to point a contraction of 2,000
 *   A6 smb         no subscription history: accounts.arr 7,000 since 2024-06-01
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineOutputs } from "../../loaders/engine-outputs.ts";
import { withOutputs } from "../../loaders/lib/outputs.ts";
import {
  buildPortfolioModels,
  portfolio,
  portfolioAccounts,
  type Portfolio,
  type PortfolioAccounts,
  type PortfolioKpis,
  type PortfolioTier,
  type RetentionRow,
} from "../../loaders/portfolio.ts";
import { day, round } from "../../loaders/lib/encode.ts";
import { rowsOf } from "../../reports/components/data.ts";
import { tempDir, writeCsvWarehouse, type Row } from "../helpers/warehouse.ts";

const EXPORTED_AT = "2026-03-04T00:00:00Z";
const quiet = { info: () => {}, warn: () => {}, step: <T>(_: string, work: () => Promise<T>) => work() };

function retentionBook() {
  const account = (id: string, segment: string, arr: number, start: string, renewal: string, churnedAt: string | null = null): Row => ({
    account_id: id,
    account_name: `Account ${id}`,
    segment,
    industry: "Software",
    region: "NA",
    plan: segment === "enterprise" ? "enterprise" : "growth",
    arr,
    seats_purchased: 10,
    contract_start_date: start,
    renewal_date: renewal,
    csm_owner: segment === "enterprise" ? "Dana Ortiz" : "Lee Park",
    churned_at: churnedAt,
    churn_reason: churnedAt ? "budget" : null,
  });
  const accounts = [
    account("A1", "enterprise", 12000, "2024-01-15", "2026-03-20"), // renews in 16 days
    account("A2", "enterprise", 5000, "2024-02-01", "2026-06-02"), // in 90 days: due
    account("A3", "enterprise", 6000, "2024-03-01", "2025-12-01", "2025-12-01T00:00:00Z"),
    account("A4", "smb", 4000, "2025-08-01", "2026-06-03"), // in 91 days: not due
    account("A5", "smb", 3000, "2023-05-01", "2026-05-01"), // in 58 days
    account("A6", "smb", 7000, "2024-06-01", "2026-03-04"), // on the export's date: due, 0 days
  ];
  const change = (id: string, account_id: string, changed_at: string, kind: string, arr: number): Row => ({
    change_id: id,
    account_id,
    changed_at: `${changed_at}T00:00:00Z`,
    kind,
    seats: arr > 0 ? 10 : 0,
    plan: "growth",
    arr,
  });
  const subscription_changes = [
    change("S1", "A1", "2024-01-15", "new", 10000),
    change("S2", "A1", "2025-06-01", "expansion", 12000),
    change("S3", "A2", "2024-02-01", "new", 8000),
    change("S4", "A2", "2025-09-10", "contraction", 5000),
    change("S5", "A3", "2024-03-01", "new", 6000),
    change("S6", "A4", "2025-08-01", "new", 4000),
    change("S7", "A5", "2023-05-01", "new", 5000),
    change("S8", "A5", "2025-05-01", "renewal", 5000),
    change("S9", "A5", "2025-07-01", "churn", 0),
    change("S10", "A5", "2025-10-01", "reactivation", 3000),
  ];
  const contacts: Row[] = accounts.map((a) => ({
    contact_id: `${a.account_id}-C1`,
    account_id: String(a.account_id),
    full_name: "Ann Arbor",
    email: "ann@example.com",
    role: "champion",
    is_key: true,
    joined_at: "2023-01-01T00:00:00Z",
    left_at: null,
  }));
  const usage_daily: Row[] = [];
  const active = (id: string, day: string) =>
    (id !== "A3" || day < "2025-12-01") &&
    (id !== "A4" || day >= "2025-08-01") &&
    (id !== "A5" || day < "2025-07-01" || day >= "2025-10-01");
  for (let t = Date.parse("2025-01-06T00:00:00Z"); t <= Date.parse("2026-03-02T00:00:00Z"); t += 7 * 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    for (const a of accounts) {
      const id = String(a.account_id);
      if (active(id, day))
        usage_daily.push({ usage_date: day, account_id: id, contact_id: `${id}-C1`, feature: "reports", event_count: 5, quantity: 5 });
    }
  }
  return { accounts, contacts, usage_daily, features: [{ feature: "reports", is_core: true, min_plan: null }], subscription_changes };
}

let p: Portfolio;
let kpiRows: PortfolioKpis[];
let tierRows: PortfolioTier[];
/** site_revenue_retention's rows of the other slices, whose figures the page file carries in its key numbers only. */
let sliceRetention: RetentionRow[];
let table: PortfolioAccounts;
let outputs: string;

beforeAll(async () => {
  const root = tempDir("site-marts-");
  const data = writeCsvWarehouse(path.join(root, "warehouse"), retentionBook(), EXPORTED_AT);
  outputs = await engineOutputs({ env: { HEALTH_DATA: data }, cacheDir: path.join(root, "cache"), log: quiet });
  p = await withOutputs(outputs, portfolio);
  kpiRows = rowsOf(p.kpis) as PortfolioKpis[];
  tierRows = rowsOf(p.tiers) as PortfolioTier[];
  sliceRetention = await withOutputs(outputs, async (o) => {
    await buildPortfolioModels(o);
    const rows = await o.db.all<RetentionRow & { period_start: Date }>(
      "select * from site_revenue_retention where dimension not in ('all', 'signup_quarter')",
    );
    return rows.map((r) => ({ ...r, period_start: day(r.period_start)!, grr: round(r.grr, 4), nrr: round(r.nrr, 4) }));
  });
  table = await withOutputs(outputs, portfolioAccounts);
}, 180_000);

const retention = (kind: string, start: string, dimension = "all", slice = "All accounts") => {
  const row = [...p.retention, ...sliceRetention].find(
    (r) => r.period_kind === kind && r.period_start === start && r.dimension === dimension && r.slice === slice,
  );
  if (!row) throw new Error(`no ${kind} ${start} ${dimension}=${slice} row`);
  return row;
};

describe("revenue retention", () => {
  it("over the trailing 12 months: GRR, NRR, logo churn and the ARR movements, exactly", () => {
    const r = retention("trailing_12_months", "2025-03-04");
    expect(r.period_end).toBe("2026-03-04");
    expect(r).toMatchObject({
      start_accounts: 5,
      start_arr: 36000,
      churned_accounts: 1,
      churned_arr: 6000,
      contracted_accounts: 2,
      contraction_arr: 5000,
      expanded_accounts: 1,
      expansion_arr: 2000,
      new_accounts: 1,
      new_arr: 4000,
      end_accounts: 5,
      end_arr: 31000,
      logo_churn: 0.2,
      nrr: 0.75,
    });
    expect(r.grr).toBeCloseTo(25000 / 36000, 4);
    // renewals / (renewals + churns): A5's renewal against A5's and A3's churns; in ARR 5,000 / (5,000 + 5,000 + 6,000)
    expect(r).toMatchObject({ renewals: 1, churns: 2, renewal_rate_arr: 0.3125 });
    expect(r.renewal_rate).toBeCloseTo(1 / 3, 4);
  });

  it("per month: the December churn is counted in December, from the ARR at the month's start", () => {
    const december = retention("month", "2025-12-01");
    expect(december).toMatchObject({
      period_end: "2026-01-01",
      start_accounts: 6,
      start_arr: 37000,
      churned_accounts: 1,
      churned_arr: 6000,
      contraction_arr: 0,
      expansion_arr: 0,
      churns: 1,
      renewals: 0,
      renewal_rate: 0,
    });
    expect(december.grr).toBeCloseTo(31000 / 37000, 4);
    const june = retention("month", "2025-06-01");
    // A1's expansion took effect at the instant June started: ARR as of an instant counts changes strictly before it
    expect(june).toMatchObject({ start_arr: 36000, expansion_arr: 2000, nrr: round4(38000 / 36000) });
    // the month the export falls in is not complete: the last month is February
    expect(p.retention.filter((r) => r.period_kind === "month").at(-1)!.period_start).toBe("2026-02-01");
    // the last complete quarter: A5, gone when it started (it came back at that very instant), is a new customer of it
    expect(p.retention.filter((r) => r.period_kind === "quarter").at(-1)).toMatchObject({
      period_start: "2025-10-01",
      period_end: "2026-01-01",
      start_accounts: 5,
      start_arr: 34000,
      churned_arr: 6000,
      contraction_arr: 0,
      new_accounts: 1,
      new_arr: 3000,
    });
  });

  it("per slice and per signup cohort over the trailing 12 months", () => {
    expect(retention("trailing_12_months", "2025-03-04", "segment", "enterprise")).toMatchObject({
      start_arr: 24000,
      churned_arr: 6000,
      contraction_arr: 3000,
      expansion_arr: 2000,
      grr: 0.625,
      nrr: round4(17000 / 24000),
    });
    expect(retention("trailing_12_months", "2025-03-04", "segment", "smb")).toMatchObject({
      start_arr: 12000,
      churned_arr: 0,
      contraction_arr: 2000,
      new_arr: 4000,
      grr: round4(10000 / 12000),
    });
    expect(retention("trailing_12_months", "2025-03-04", "signup_quarter", "2024-Q1")).toMatchObject({
      start_accounts: 3,
      start_arr: 24000,
      churned_accounts: 1,
    });
    expect(retention("trailing_12_months", "2025-03-04", "signup_quarter", "2025-Q3")).toMatchObject({
      start_accounts: 0,
      start_arr: 0,
      new_arr: 4000,
      grr: null,
      nrr: null,
    });
  });
});

describe("portfolio key numbers", () => {
  it("takes churned ARR, GRR and NRR of the last 12 months from the retention mart", () => {
    const all = kpiRows.find((k) => k.dimension === "all")!;
    expect(all).toMatchObject({
      accounts: 5,
      arr: 31000,
      churned_accounts: 1,
      churned_arr_12m: 6000,
      churned_accounts_12m: 1,
      nrr_12m: 0.75,
      grr_12m: round4(25000 / 36000),
    });
    const smb = kpiRows.find((k) => k.dimension === "segment" && k.slice === "smb")!;
    expect(smb).toMatchObject({ accounts: 3, arr: 14000, churned_arr_12m: 0, grr_12m: round4(10000 / 12000) });
  });

  it("counts renewals due within 90 days from the export's date with the contract's dates, a Wednesday export included", () => {
    const accounts = rowsOf(table.accounts);
    const byId = new Map(accounts.map((a) => [a.id, a]));
    expect(p.exported_on).toBe("2026-03-04");
    expect(byId.get("A1")).toMatchObject({ renewal_date: "2026-03-20", renewal_in_days: 16 });
    expect(byId.get("A6")).toMatchObject({ renewal_date: "2026-03-04", renewal_in_days: 0 });
    expect(byId.get("A2")).toMatchObject({ renewal_date: "2026-06-02", renewal_in_days: 90 });
    expect(byId.get("A4")).toMatchObject({ renewal_date: "2026-06-03", renewal_in_days: 91 });
    const all = kpiRows.find((k) => k.dimension === "all")!;
    // A1, A2, A5 and A6: 12,000 + 5,000 + 3,000 + 7,000
    expect(all).toMatchObject({ renewals_due_accounts: 4, renewals_due_arr: 27000 });
    // split by tier, every current account in exactly one tier row, unscored ones in "Not scored"
    const tiers = tierRows.filter((t) => t.dimension === "all");
    expect(tiers.at(-1)).toMatchObject({ tier_id: "not_scored", tier_label: "Not scored" });
    expect(tiers.reduce((s, t) => s + t.renewals_due_accounts, 0)).toBe(4);
    expect(tiers.reduce((s, t) => s + t.renewals_due_arr, 0)).toBe(27000);
    expect(tiers.reduce((s, t) => s + t.accounts, 0)).toBe(5);
    for (const t of tiers) {
      const due = accounts.filter((a) => a.tier === t.tier_id && ["A1", "A2", "A5", "A6"].includes(String(a.id)));
      expect(t.renewals_due_accounts, t.tier_id).toBe(due.length);
    }
  });

  it("names unscored accounts as such and keeps them out of the tiers' ARR", () => {
    const all = kpiRows.find((k) => k.dimension === "all")!;
    const accounts = rowsOf(table.accounts);
    const notScored = accounts.filter((a) => a.score === null);
    expect(all.not_scored_accounts).toBe(notScored.length);
    expect(all.scored_accounts + all.not_scored_accounts).toBe(all.accounts);
    const best = tierRows.find((t) => t.tier_position === 0)!.tier_id;
    const notBest = accounts.filter((a) => a.score !== null && a.tier !== best);
    expect(all.not_best_accounts).toBe(notBest.length);
    expect(all.not_best_arr).toBe(notBest.reduce((s, a) => s + Number(a.arr), 0));
    const scored = accounts.filter((a) => a.score !== null);
    expect(all.mean_score).toBeCloseTo(scored.reduce((s, a) => s + Number(a.score), 0) / scored.length, 0);
  });
});

describe("health distribution", () => {
  it("counts each slice's scored accounts once, in the 5-point bin of the score the table shows and in its tier", () => {
    const bins = rowsOf(p.distribution) as { dimension: string; slice: string; score_bin: number; tier_id: string; accounts: number }[];
    const accounts = rowsOf(table.accounts) as { id: string; score: number | null; tier: string; segment: string | null }[];
    // every bin from the accounts table's scores (one decimal): A1..A6 less the churned A3
    const binOf = (score: number) => Math.min(Math.floor(score / 5) * 5, 95);
    const expected = (rows: typeof accounts) => {
      const counts = new Map<string, number>();
      for (const a of rows.filter((r) => r.score !== null)) {
        const key = `${binOf(a.score!)} ${a.tier}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].sort();
    };
    const of = (dimension: string, slice: string) =>
      bins
        .filter((b) => b.dimension === dimension && b.slice === slice)
        .map((b) => [`${b.score_bin} ${b.tier_id}`, b.accounts] as [string, number])
        .sort();
    const all = kpiRows.find((k) => k.dimension === "all")!;
    expect(of("all", "All accounts").reduce((s, [, n]) => s + n, 0)).toBe(all.scored_accounts);
    expect(of("all", "All accounts")).toEqual(expected(accounts));
    const smb = kpiRows.find((k) => k.dimension === "segment" && k.slice === "smb")!;
    expect(of("segment", "smb").reduce((s, [, n]) => s + n, 0)).toBe(smb.scored_accounts);
    expect(of("segment", "smb")).toEqual(expected(accounts.filter((a) => a.segment === "smb")));
  });
});

describe("tiers over time", () => {
  it("values each week at the ARR the account had that week", () => {
    const week = (weekEnd: string) => p.tier_weeks.filter((t) => t.week_end === weekEnd);
    const total = (weekEnd: string, key: "arr" | "accounts") => week(weekEnd).reduce((s, t) => s + t[key], 0);
    // week of 2025-05-12: A1 at 10,000 (before its expansion), A2 8,000, A3 6,000, A5 5,000, A6 7,000; A4 not a customer yet
    expect(total("2025-05-18", "accounts")).toBe(5);
    expect(total("2025-05-18", "arr")).toBe(36000);
    // week of 2025-08-11: A1 12,000, A2 8,000, A3 6,000, A4 4,000, A6 7,000; A5 gone
    expect(total("2025-08-17", "accounts")).toBe(5);
    expect(total("2025-08-17", "arr")).toBe(37000);
  });
});

function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}
