/**
 * Labels, censoring, flags and lead times of the backtest on a warehouse counted by hand. Where the
 * older rule (censor a week past the export only when the account has not churned) gives another
 * answer, the comment says what it gave.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBacktest, createLeadTimes, type BacktestReport } from "../../src/backtest/backtest.ts";
import { tierFlags } from "../../src/backtest/metrics.ts";
import { BACKTEST_DEFAULTS, type BacktestOptions } from "../../src/backtest/options.ts";
import { formatBacktest } from "../../src/backtest/print.ts";
import { asOfDay, BACKTEST_EXPORT, backtestWarehouse, layoffFormula, weekEndDay } from "../helpers/backtest-warehouse.ts";
import { formulaFrom, scoreDir, type Scoring } from "../helpers/health.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";

let scoring: Scoring;
// 8 weeks of lookback: the 26 weeks of history hold observable warning windows
const options: BacktestOptions = { ...BACKTEST_DEFAULTS, horizonDays: 28, lookbackWeeks: 8 };

beforeAll(async () => {
  const dir = writeCsvWarehouse(path.join(tempDir(), "w"), backtestWarehouse(), BACKTEST_EXPORT);
  scoring = await scoreDir(dir, formulaFrom(layoffFormula()));
});
afterAll(() => scoring?.close());

const backtest = (o: Partial<BacktestOptions> = {}) => buildBacktest(scoring.db, scoring.run, { ...options, ...o });

type WeekRow = { account_id: string; week_end: string; label: boolean | null; censored: boolean; tier: string };
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
    expect(weekIndexes(a, (r) => r.label === true)).toEqual([10, 11, 12, 13]);
    expect(weekIndexes(await weeks("B"), (r) => r.label === true)).toEqual([14, 15, 16, 17]);
    expect(weekIndexes(await weeks("C"), (r) => r.label === true)).toEqual([17, 18, 19, 20]);
  });

  it("censor survivors' weeks whose horizon runs past the export, and only those", async () => {
    // as_of + 28 days > 2025-07-07 from week 22 (as_of 2025-06-16) on
    for (const account of ["D", "E"]) {
      const rows = await weeks(account);
      expect(rows).toHaveLength(26);
      expect(weekIndexes(rows, (r) => r.censored)).toEqual([22, 23, 24, 25]);
      expect(rows.some((r) => r.label)).toBe(false);
      expect(rows.filter((r) => r.censored).every((r) => r.label === null)).toBe(true);
    }
  });

  it("censor a churner's weeks past the export by the same rule: its churn does not make them positives", async () => {
    // H churns 2025-07-01: weeks 21-24 fall within 28 days of it, but only week 21's horizon
    // (as_of 2025-06-09) ends by the export. The older rule kept weeks 22-24 as positives.
    const h = await weeks("H");
    expect(h).toHaveLength(25);
    expect(weekIndexes(h, (r) => r.label === true)).toEqual([21]);
    expect(weekIndexes(h, (r) => r.censored)).toEqual([22, 23, 24]);
    expect(h.filter((r) => r.censored).every((r) => r.label === null)).toBe(true);
  });

  it("censor exactly the weeks whose horizon runs past the export, for churners and survivors alike", async () => {
    const rows = await scoring.db.all<{ account_id: string; churned: boolean; censored: boolean; past_export: boolean }>(
      `select account_id, churned_at is not null as churned, censored,
         as_of + to_days(28) > timestamp '${BACKTEST_EXPORT.replace("T", " ").replace("Z", "")}' as past_export
       from backtest_weeks`,
    );
    expect(rows).toHaveLength(130);
    expect(rows.filter((r) => r.censored !== r.past_export)).toEqual([]);
    // the same calendar weeks censored in both classes (churners end with their churn)
    const censoredWeeks = async (account: string) => weekIndexes(await weeks(account), (r) => r.censored);
    expect(await censoredWeeks("H")).toEqual([22, 23, 24]);
    expect((await censoredWeeks("D")).slice(0, 3)).toEqual([22, 23, 24]);
    expect(rows.some((r) => r.churned && r.censored) && rows.some((r) => !r.churned && r.censored)).toBe(true);
  });

  it("count labelled, censored, positive and negative weeks", () => {
    // 130 scored weeks; censored D 4 + E 4 + H 3 = 11 (the older rule: 8, with H's 3 as positives)
    expect(report.counts).toMatchObject({
      account_weeks: 130,
      labelled: 119,
      censored: 11,
      censored_churned: 3,
      positives: 13,
      negatives: 106,
      accounts: 6,
      churned_accounts: 4,
      without_data: 0,
    });
    expect(report.overall.base_rate).toBeCloseTo(13 / 119, 12);
    expect(report.period).toEqual({ from_week_end: weekEndDay(0), to_week_end: weekEndDay(25), last_uncensored_week_end: weekEndDay(21) });
  });

  it("take the headline AUC within each week, skipping and counting the weeks with one class, beside the pooled AUC", () => {
    // scores: A 0 from week 8, B 50 weeks 3-15 then 0, E 0 from week 5, the rest 100. Weeks with a
    // positive and a negative: 10-13 (A 0 vs B 50, C, D, H 100, E 0 tie) 4.5/5 each; 14-15 (B 50 vs
    // C, D, H 100 and E 0) 3/4; 16 (B 0) 3.5/4; 17 (B 0 and C 100 vs D, E, H) 3.5/6; 18-20 (C 100
    // vs D 100, E 0, H 100) 1/3; 21 (H 100 vs D 100, E 0) 1/4. Weeks 0-9 hold only survivors.
    const weekly = [0.9, 0.9, 0.9, 0.9, 0.75, 0.75, 0.875, 3.5 / 6, 1 / 3, 1 / 3, 1 / 3, 0.25];
    const s = report.overall.stratified_auc;
    expect(s).toMatchObject({ weeks: 12, single_class_weeks: 10, single_class_rows: 60 });
    expect(s.auc).toBeCloseTo(weekly.reduce((a, b) => a + b) / 12, 12);
    expect(report.overall.auc).not.toBeCloseTo(s.auc!, 3);
  });

  it("measure precision and recall of the at-risk tier and of at-risk plus watch", () => {
    // at risk, labelled: A weeks 8-13 (4 churned), B 16-17 (2), E 5-21 (0) -> 6 of 25; 6 of 13 positives
    expect(report.overall.at_risk).toMatchObject({ tiers: ["at_risk"], flagged: 25 });
    expect(report.overall.at_risk.precision).toBeCloseTo(6 / 25, 12);
    expect(report.overall.at_risk.recall).toBeCloseTo(6 / 13, 12);
    // plus watch: B weeks 3-15 -> A 6, B 15, E 17 = 38 weeks, 8 churned
    expect(report.overall.at_risk_or_watch.flagged).toBe(38);
    expect(report.overall.at_risk_or_watch.precision).toBeCloseTo(8 / 38, 12);
    expect(report.overall.at_risk_or_watch.recall).toBeCloseTo(8 / 13, 12);
    const atRisk = report.overall.lift_by_tier.find((t) => t.tier === "at_risk")!;
    expect(atRisk).toMatchObject({ rows: 25, churned: 6 });
    expect(atRisk.lift).toBeCloseTo(6 / 25 / (13 / 119), 12);
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
      expect(signal.coverage).toBeCloseTo(rows.length / 119, 12);
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
  type Lead = {
    account_id: string;
    is_observable: boolean;
    first_at_risk_week_end: string | null;
    lead_weeks_at_risk: number | null;
    first_alert_week_end: string | null;
    lead_weeks_alert: number | null;
    segment: string;
  };
  const leads = () =>
    scoring.db.all<Lead>(`select account_id, is_observable, strftime(first_at_risk_week_end, '%Y-%m-%d') as first_at_risk_week_end, lead_weeks_at_risk,
      strftime(first_alert_week_end, '%Y-%m-%d') as first_alert_week_end, lead_weeks_alert, segment from lead_times where churned order by account_id`);

  it("match hand counts: weeks from the first at-risk as_of in the window to the churn, observable windows only", async () => {
    // 8-week windows: observable when the churn falls after 2025-03-03 (the window starts after the
    // period's first week, as_of 2025-01-13, less a week) and before 2025-06-16 (the first as_of
    // whose horizon runs past the export). H churns 2025-07-01: left out (the older rule counted it).
    const report = await backtest();
    expect(await leads()).toEqual([
      // A at risk from week 8 (as_of 2025-03-10), churned 2025-04-14: 35 days
      {
        account_id: "A",
        is_observable: true,
        first_at_risk_week_end: weekEndDay(8),
        lead_weeks_at_risk: 5,
        first_alert_week_end: null,
        lead_weeks_alert: null,
        segment: "smb",
      },
      // B at risk from week 16 (as_of 2025-05-05), churned 2025-05-12; watch before does not count
      {
        account_id: "B",
        is_observable: true,
        first_at_risk_week_end: weekEndDay(16),
        lead_weeks_at_risk: 1,
        first_alert_week_end: null,
        lead_weeks_alert: null,
        segment: "smb",
      },
      {
        account_id: "C",
        is_observable: true,
        first_at_risk_week_end: null,
        lead_weeks_at_risk: null,
        first_alert_week_end: null,
        lead_weeks_alert: null,
        segment: "smb",
      },
      {
        account_id: "H",
        is_observable: false,
        first_at_risk_week_end: null,
        lead_weeks_at_risk: null,
        first_alert_week_end: null,
        lead_weeks_alert: null,
        segment: "enterprise",
      },
    ]);
    expect(asOfDay(8)).toBe("2025-03-10");
    const lead = report.overall.lead_time;
    // 2 of 3 flagged, 1 of 3 at least 4 weeks ahead (the older rule: 2 of 4, 1 of 4)
    expect(lead).toMatchObject({ churned_accounts: 3, churned_left_out: 1, flagged: 2, share_flagged_6w: 0, median_lead_weeks: 3 });
    expect(lead.share_flagged).toBeCloseTo(2 / 3, 12);
    expect(lead.share_flagged_4w).toBeCloseTo(1 / 3, 12);
    expect(lead.histogram).toHaveLength(9);
    expect(lead.histogram.filter((b) => b.accounts > 0)).toEqual([
      { weeks: 1, accounts: 1 },
      { weeks: 5, accounts: 1 },
    ]);
    expect(report.overall.alert_lead_time).toBeNull();
    const smb = report.segments.find((s) => s.segment === "smb")!;
    expect(smb.lead_time).toMatchObject({ churned_accounts: 3, churned_left_out: 0, flagged: 2 });
    expect(smb.lead_time.share_flagged_4w).toBeCloseTo(1 / 3, 12);
    const enterprise = report.segments.find((s) => s.segment === "enterprise")!;
    expect(enterprise.lead_time).toMatchObject({ churned_accounts: 0, churned_left_out: 1, share_flagged: null });
  });

  it("put beside each share the survivors flagged in a window of the same length, week by week", async () => {
    // survivors D and E; reference weeks 8-21 (each window of 8 weeks starts within the period and
    // ends at a labelled week). E is at risk from week 5: flagged in every window, first at week
    // max(5, k - 8), so k - 5 weeks ahead up to 8: at least 4 from week 9, at least 6 from week 11.
    // D never. Each week: 1 of 2 survivors flagged, or 0.
    const report = await backtest();
    const fa = report.overall.lead_time.false_alarm;
    expect(fa).toMatchObject({ survivor_accounts: 2, reference_weeks: 14 });
    expect(fa.share_flagged).toBeCloseTo(0.5, 12);
    expect(fa.share_flagged_4w).toBeCloseTo((13 * 0.5) / 14, 12);
    expect(fa.share_flagged_6w).toBeCloseTo((11 * 0.5) / 14, 12);
    const survivors = await scoring.db.all<{ account_id: string; n: number }>(
      "select account_id, count(*)::integer as n from lead_times where not churned and is_observable group by all order by account_id",
    );
    expect(survivors).toEqual([
      { account_id: "D", n: 14 },
      { account_id: "E", n: 14 },
    ]);
    // smb holds no survivor: no false-alarm share, rather than a zero
    const smb = report.segments.find((s) => s.segment === "smb")!;
    expect(smb.lead_time.false_alarm).toMatchObject({ survivor_accounts: 0, reference_weeks: 0, share_flagged: null });
  });

  it("only look back the lookback window before the churn", async () => {
    // 4 weeks before A's churn start at as_of 2025-03-17 (week 9)
    await backtest({ lookbackWeeks: 4 });
    const a = (await leads()).find((l) => l.account_id === "A")!;
    expect(a).toMatchObject({ first_at_risk_week_end: weekEndDay(9), lead_weeks_at_risk: 4 });
  });

  it("leave out a churn whose window starts before the period", async () => {
    // 26 weeks of lookback in 26 weeks of history: no window is observable
    const report = await backtest({ lookbackWeeks: 26 });
    expect(report.overall.lead_time).toMatchObject({ churned_accounts: 0, churned_left_out: 4, share_flagged: null });
    expect(report.overall.lead_time.false_alarm).toMatchObject({ reference_weeks: 0, share_flagged: null });
  });

  it("use the alerts table when the run has one, within the same window, and measure each kind's precision", async () => {
    // shaped like the alerts stage's table (one row per episode; extra columns are ignored)
    await scoring.db.run(`create or replace table alerts as select account_id || '|' || kind as alert_id, *, cast(raised_week_end + 1 as timestamp) as raised_as_of
      from (values
        ('A', 'score_drop', 'high', '2025-02-23'::date), ('A', 'p0_opened', 'critical', '2025-03-30'::date),
        ('B', 'key_person', 'medium', '2024-10-06'::date), ('D', 'tier_down', 'high', '2025-03-02'::date)
      ) as t(account_id, kind, severity, raised_week_end)`);
    try {
      const report = await backtest();
      const rows = await leads();
      // A alerted in week 6 (known 2025-02-24), 49 days before the churn; B's alert is older than 8 weeks
      expect(rows.find((l) => l.account_id === "A")).toMatchObject({ first_alert_week_end: "2025-02-23", lead_weeks_alert: 7 });
      expect(rows.find((l) => l.account_id === "B")).toMatchObject({ first_alert_week_end: null, lead_weeks_alert: null });
      expect(report.alerts_available).toBe(true);
      const alert = report.overall.alert_lead_time!;
      expect(alert).toMatchObject({ churned_accounts: 3, flagged: 1, median_lead_weeks: 7 });
      expect(alert.share_flagged_4w).toBeCloseTo(1 / 3, 12);
      expect(alert.share_flagged_6w).toBeCloseTo(1 / 3, 12);
      // survivor D's alert (known 2025-03-03) falls in the windows ending weeks 8-15, k - 7 weeks
      // ahead: 1 of 2 survivors those 8 weeks, at least 4 ahead weeks 11-15, at least 6 weeks 13-15
      expect(alert.false_alarm.share_flagged).toBeCloseTo(4 / 14, 12);
      expect(alert.false_alarm.share_flagged_4w).toBeCloseTo(2.5 / 14, 12);
      expect(alert.false_alarm.share_flagged_6w).toBeCloseTo(1.5 / 14, 12);
      // per kind: A's p0 (week 11, churn within 28 days of 2025-03-31) followed by churn; A's score
      // drop (week 6) and D's tier_down (week 7) not; B's alert falls before the period
      const kinds = report.alert_kinds!;
      const perYear = (n: number) => n / (130 / (365.25 / 7));
      expect(kinds.map((k) => [k.kind, k.alerts, k.labelled, k.followed_by_churn, k.precision])).toEqual([
        ["p0_opened", 1, 1, 1, 1],
        ["score_drop", 1, 1, 0, 0],
        ["tier_down", 1, 1, 0, 0],
        [null, 3, 3, 1, 1 / 3],
      ]);
      expect(kinds.at(-1)!.alerts_per_account_year).toBeCloseTo(perYear(3), 12);
      expect(kinds.at(-1)!.lift).toBeCloseTo(1 / 3 / (13 / 119), 12);
    } finally {
      await scoring.db.run("drop table alerts");
    }
  });

  it("leave an alert whose horizon runs past the export out of its kind's precision", async () => {
    // E's alert in week 23 (censored) counts in the rate, not in the precision
    await scoring.db.run(`create or replace table alerts as select *, cast(raised_week_end + 1 as timestamp) as raised_as_of
      from (values ('E', 'external_risk', '${weekEndDay(23)}'::date), ('E', 'external_risk', '${weekEndDay(4)}'::date)) as t(account_id, kind, raised_week_end)`);
    try {
      const report = await backtest();
      expect(report.alert_kinds!.find((k) => k.kind === "external_risk")).toMatchObject({
        alerts: 2,
        labelled: 1,
        followed_by_churn: 0,
        precision: 0,
      });
    } finally {
      await scoring.db.run("drop table alerts");
    }
  });
});

describe("warning windows built in account buckets", () => {
  it("gives the same rows in the same order as in one piece, the period's bounds from every account", async () => {
    await backtest();
    // every week of each account and alerts, with D and E starting 10 weeks late: a bucket holding
    // only D or E would put the period's first week 10 weeks later if it read its own weeks
    const weeks = `(select * from backtest_weeks where not (account_id in ('D', 'E') and week_end < '${weekEndDay(10)}'::date))`;
    await scoring.db.run(`create or replace table alerts as select * from (values
        ('A', 'score_drop', '${weekEndDay(6)}'::date), ('A', 'p0_opened', '${weekEndDay(6)}'::date), ('B', 'key_person', '${weekEndDay(12)}'::date),
        ('D', 'tier_down', '${weekEndDay(14)}'::date), ('E', 'external_risk', '${weekEndDay(4)}'::date), ('E', 'external_risk', '${weekEndDay(18)}'::date)
      ) as t(account_id, kind, raised_week_end)`);
    try {
      const atRisk = tierFlags(scoring.run.formula.formula.tiers.map((t) => t.id)).atRiskPosition;
      await createLeadTimes(scoring.db, "lead_whole", weeks, true, 8, atRisk);
      // one week per bucket: nearly every account in a bucket of its own
      await createLeadTimes(scoring.db, "lead_buckets", weeks, true, 8, atRisk, 1);
      const whole = await scoring.db.all("select * from lead_whole");
      const buckets = await scoring.db.all("select * from lead_buckets");
      expect(whole.length).toBeGreaterThan(20);
      expect(whole.filter((w) => w.first_alert_week_end !== null).length).toBeGreaterThan(4);
      // D's and E's windows from week 10 on are observable only by the whole period's first week
      expect(whole.filter((w) => (w.account_id === "D" || w.account_id === "E") && w.is_observable).length).toBeGreaterThan(0);
      expect(buckets).toEqual(whole);
      const left = await scoring.db.all("select table_name from duckdb_tables() where table_name like 'lead_buckets_bucket_%'");
      expect(left).toEqual([]);
    } finally {
      await scoring.db.run("drop table alerts; drop table if exists lead_whole; drop table if exists lead_buckets");
    }
  });
});

describe("the printed report", () => {
  it("heads with the AUC within weeks, the pooled AUC beside it, says what was left out, and puts false alarms under each lead-time share", async () => {
    const report = await backtest();
    const text = formatBacktest(report, "text");
    expect(text).toContain(
      `AUC within weeks    ${report.overall.stratified_auc.auc!.toFixed(3)}   (headline: the AUC among each week's account-weeks, mean over 12 weeks`,
    );
    expect(text).toContain(`AUC pooled          ${report.overall.auc!.toFixed(3)}`);
    expect(text).toContain(
      "Left out: 11 account-weeks whose 4w horizon runs past the export (3 of them churned accounts', censored alike); " +
        "10 weeks with one class only (60 account-weeks) from the AUC within weeks; 1 churned accounts whose 8-week warning window is not observable",
    );
    expect(text).toContain(
      "Flagged at risk: 33.3% of 3 churned accounts at least 4 weeks ahead, 0.0% at least 6, 66.7% within 8 weeks (median lead 3 weeks)",
    );
    // 13/28 and 11/28 of the survivors, a half at all
    expect(text).toContain(
      "false alarms: survivors with the same flag in a 8-week window: 46.4% at least 4 weeks before its end, 39.3% at least 6, 50.0% at all (2 survivors, mean over 14 weeks)",
    );
    const [header] = formatBacktest(report, "csv").split("\n");
    expect(header!.split(",")).toEqual(
      expect.arrayContaining([
        "auc_within_weeks",
        "auc_pooled",
        "average_precision",
        "flagged_4w_share",
        "survivors_flagged_4w_share",
        "churned_left_out",
      ]),
    );
  });
});
