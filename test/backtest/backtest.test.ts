/** Labels, censoring, flags and lead times of the backtest on a warehouse counted by hand. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBacktest, type BacktestReport } from "../../src/backtest/backtest.ts";
import { BACKTEST_DEFAULTS, type BacktestOptions } from "../../src/backtest/options.ts";
import { asOfDay, BACKTEST_EXPORT, backtestWarehouse, layoffFormula, weekEndDay } from "../helpers/backtest-warehouse.ts";
import { formulaFrom, scoreDir, type Scoring } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

let scoring: Scoring;
const options: BacktestOptions = { ...BACKTEST_DEFAULTS, horizonDays: 28 };

beforeAll(async () => {
  const dir = writeCsvWarehouse(path.join(tempDir(), "w"), backtestWarehouse(), BACKTEST_EXPORT);
  scoring = await scoreDir(dir, formulaFrom(layoffFormula()));
});
afterAll(() => scoring?.close());

const backtest = (o: Partial<BacktestOptions> = {}) => buildBacktest(scoring.db, scoring.run.formula, { ...options, ...o });

type WeekRow = { account_id: string; week_end: string; label: boolean; censored: boolean; tier: string };
async function weeks(account: string): Promise<WeekRow[]> {
  return scoring.db.all<WeekRow>(
    "select account_id, strftime(week_end, '%Y-%m-%d') as week_end, label, censored, tier from backtest_weeks where account_id = $account order by week_start",
    { account },
  );
}
const weekIndexes = (rows: WeekRow[], keep: (r: WeekRow) => boolean) =>
  rows.flatMap((r) => (keep(r) ? [Array.from({ length: 26 }, (_, k) => weekEndDay(k)).indexOf(r.week_end)] : []));

describe("labels and censoring", () => {
  let report: BacktestReport;
  beforeAll(async () => {
    report = await backtest();
  });

  it("label a week positive when the churn falls within the horizon after its as_of", async () => {
    // A churns at the as_of of week 13: weeks 10-13 are within 28 days (week 9's horizon ends on the churn instant)
    const a = await weeks("A");
    expect(a).toHaveLength(14);
    expect(weekIndexes(a, (r) => r.label)).toEqual([10, 11, 12, 13]);
    expect(weekIndexes(await weeks("B"), (r) => r.label)).toEqual([14, 15, 16, 17]);
    expect(weekIndexes(await weeks("C"), (r) => r.label)).toEqual([17, 18, 19, 20]);
  });

  it("censor survivors' weeks whose horizon runs past the export, and only those", async () => {
    // as_of + 28 days > 2025-07-07 from week 22 (as_of 2025-06-16) on
    for (const account of ["D", "E"]) {
      const rows = await weeks(account);
      expect(rows).toHaveLength(26);
      expect(weekIndexes(rows, (r) => r.censored)).toEqual([22, 23, 24, 25]);
      expect(rows.some((r) => r.label)).toBe(false);
    }
  });

  it("keep a churn seen before the export positive even when the horizon runs past it", async () => {
    const h = await weeks("H");
    expect(h).toHaveLength(25);
    expect(weekIndexes(h, (r) => r.label)).toEqual([21, 22, 23, 24]);
    expect(h.some((r) => r.censored)).toBe(false);
  });

  it("count labelled, censored, positive and negative weeks", () => {
    expect(report.counts).toMatchObject({ labelled: 122, censored: 8, positives: 16, negatives: 106, accounts: 6, churned_accounts: 4, without_data: 0 });
    expect(report.overall.base_rate).toBeCloseTo(16 / 122, 12);
    expect(report.period).toEqual({ from_week_end: weekEndDay(0), to_week_end: weekEndDay(25), last_uncensored_week_end: weekEndDay(21) });
  });

  it("measure precision and recall of the at-risk tier and of at-risk plus watch", () => {
    // at risk, labelled: A weeks 8-13 (4 churned), B 16-17 (2), E 5-21 (0) -> 6 of 25; 6 of 16 positives
    expect(report.overall.at_risk).toMatchObject({ tiers: ["at_risk"], flagged: 25 });
    expect(report.overall.at_risk.precision).toBeCloseTo(6 / 25, 12);
    expect(report.overall.at_risk.recall).toBeCloseTo(6 / 16, 12);
    // plus watch: B weeks 3-15 -> A 6, B 15, E 17 = 38 weeks, 8 churned
    expect(report.overall.at_risk_or_watch.flagged).toBe(38);
    expect(report.overall.at_risk_or_watch.precision).toBeCloseTo(8 / 38, 12);
    expect(report.overall.at_risk_or_watch.recall).toBeCloseTo(8 / 16, 12);
    const atRisk = report.overall.lift_by_tier.find((t) => t.tier === "at_risk")!;
    expect(atRisk).toMatchObject({ rows: 25, churned: 6 });
    expect(atRisk.lift).toBeCloseTo(6 / 25 / (16 / 122), 12);
  });

  it("give each category's own AUC over the labelled weeks where it has data, counted pair by pair", async () => {
    const categories = report.signals.filter((s) => s.kind === "category");
    expect(categories.length).toBeGreaterThan(0);
    for (const signal of categories) {
      const rows = await scoring.db.all<{ score: number; label: boolean }>(
        `select "category_${signal.id}" as score, label from backtest_weeks where not censored and "category_${signal.id}" is not null`,
      );
      const pos = rows.filter((r) => r.label);
      const neg = rows.filter((r) => !r.label);
      let wins = 0;
      for (const p of pos) for (const n of neg) wins += p.score < n.score ? 1 : p.score === n.score ? 0.5 : 0;
      expect(signal.rows_with_data).toBe(rows.length);
      expect(signal.coverage).toBeCloseTo(rows.length / 122, 12);
      expect(signal.auc).toBeCloseTo(wins / (pos.length * neg.length), 12);
    }
  });

  it("respects --from and --to, leaving the labels as they were", async () => {
    const r = await backtest({ from: weekEndDay(10), to: weekEndDay(13) });
    // 4 weeks x 6 accounts, all uncensored; positives: A 10-13
    expect(r.counts).toMatchObject({ account_weeks: 24, labelled: 24, positives: 4, churned_accounts: 1 });
  });
});

describe("lead times", () => {
  type Lead = { account_id: string; first_at_risk_week_end: string | null; lead_weeks_at_risk: number | null; first_alert_week_end: string | null; lead_weeks_alert: number | null; segment: string };
  const leads = () =>
    scoring.db.all<Lead>(`select account_id, strftime(first_at_risk_week_end, '%Y-%m-%d') as first_at_risk_week_end, lead_weeks_at_risk,
      strftime(first_alert_week_end, '%Y-%m-%d') as first_alert_week_end, lead_weeks_alert, segment from lead_times order by account_id`);

  it("match hand counts: weeks from the first at-risk as_of in the lookback to the churn", async () => {
    const report = await backtest();
    expect(await leads()).toEqual([
      // A at risk from week 8 (as_of 2025-03-10), churned 2025-04-14: 35 days
      { account_id: "A", first_at_risk_week_end: weekEndDay(8), lead_weeks_at_risk: 5, first_alert_week_end: null, lead_weeks_alert: null, segment: "smb" },
      // B at risk from week 16 (as_of 2025-05-05), churned 2025-05-12; watch before does not count
      { account_id: "B", first_at_risk_week_end: weekEndDay(16), lead_weeks_at_risk: 1, first_alert_week_end: null, lead_weeks_alert: null, segment: "smb" },
      { account_id: "C", first_at_risk_week_end: null, lead_weeks_at_risk: null, first_alert_week_end: null, lead_weeks_alert: null, segment: "smb" },
      { account_id: "H", first_at_risk_week_end: null, lead_weeks_at_risk: null, first_alert_week_end: null, lead_weeks_alert: null, segment: "enterprise" },
    ]);
    expect(asOfDay(8)).toBe("2025-03-10");
    const lead = report.overall.lead_time;
    expect(lead).toMatchObject({ churned_accounts: 4, flagged: 2, share_flagged: 0.5, share_flagged_4w: 0.25, share_flagged_6w: 0, median_lead_weeks: 3 });
    expect(lead.histogram).toHaveLength(27);
    expect(lead.histogram.filter((b) => b.accounts > 0)).toEqual([{ weeks: 1, accounts: 1 }, { weeks: 5, accounts: 1 }]);
    expect(report.overall.alert_lead_time).toBeNull();
    const smb = report.segments.find((s) => s.segment === "smb")!;
    expect(smb.lead_time).toMatchObject({ churned_accounts: 3, flagged: 2 });
    expect(smb.lead_time.share_flagged_4w).toBeCloseTo(1 / 3, 12);
  });

  it("only look back the lookback window before the churn", async () => {
    // 4 weeks before A's churn start at as_of 2025-03-17 (week 9)
    await backtest({ lookbackWeeks: 4 });
    const a = (await leads()).find((l) => l.account_id === "A")!;
    expect(a).toMatchObject({ first_at_risk_week_end: weekEndDay(9), lead_weeks_at_risk: 4 });
  });

  it("use the alerts table when the run has one, within the same window", async () => {
    // shaped like the alerts stage's table (one row per episode; extra columns are ignored)
    await scoring.db.run(`create or replace table alerts as select account_id || '|' || kind as alert_id, *, cast(raised_week_end + 1 as timestamp) as raised_as_of
      from (values
        ('A', 'score_drop', 'high', '2025-02-23'::date), ('A', 'p0_opened', 'critical', '2025-03-30'::date),
        ('B', 'key_person', 'medium', '2024-10-06'::date), ('D', 'tier_down', 'high', '2025-03-02'::date)
      ) as t(account_id, kind, severity, raised_week_end)`);
    try {
      const report = await backtest();
      const rows = await leads();
      // A alerted in week 6 (known 2025-02-24), 49 days before the churn; B's alert is older than 26 weeks
      expect(rows.find((l) => l.account_id === "A")).toMatchObject({ first_alert_week_end: "2025-02-23", lead_weeks_alert: 7 });
      expect(rows.find((l) => l.account_id === "B")).toMatchObject({ first_alert_week_end: null, lead_weeks_alert: null });
      expect(report.alerts_available).toBe(true);
      expect(report.overall.alert_lead_time).toMatchObject({ churned_accounts: 4, flagged: 1, share_flagged_4w: 0.25, share_flagged_6w: 0.25, median_lead_weeks: 7 });
    } finally {
      await scoring.db.run("drop table alerts");
    }
  });
});
