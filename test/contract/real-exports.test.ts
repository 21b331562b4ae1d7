/**
 * The contract meets real exports: usage recorded per account (no contacts), tickets with no kind,
 * customers that leave and come back (churn_events, or churn in subscription_changes), optional
 * escalation and first-response columns. Each passes `health check` and scores, the measures that
 * need a missing column report no data (null) rather than 0, and bad values of the new columns are
 * refused with the file, the column and the row.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/core/paths.ts";
import { withDatabase, type Database } from "../../src/db/duckdb.ts";
import { createBacktestWeeks, createLeadTimes } from "../../src/backtest/backtest.ts";
import { ingest } from "../../src/ingest/ingest.ts";
import { ValidationError, type Problem } from "../../src/ingest/problems.ts";
import { defaultFormulaInput, formulaFrom, scoreDir } from "../helpers/health.ts";
import { mondayOf, R_BACK, R_CHURNED, REAL_EXPORT, realExportWarehouse } from "../helpers/real-export-warehouse.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir("real-exports-");
let counter = 0;
function book(tables: Tables, exportedAt = REAL_EXPORT): string {
  return writeCsvWarehouse(path.join(root, `b${++counter}`), tables, exportedAt);
}

async function errorsOf(dir: string): Promise<Problem[]> {
  try {
    await withDatabase((db) => ingest(db, dir));
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
}

const ymd = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

/** Measures of this side of the contract that need an optional ticket column. */
const TICKET_COLUMN_MEASURES = ["open_bugs_weighted", "escalated_tickets_90d", "escalation_share_90d", "first_response_hours_90d"];

describe("a book with a reactivated customer, tickets without a kind and account-level usage", () => {
  it("passes health check (exit 0) with no contacts file and no kind or contact_id column", () => {
    const dir = book(realExportWarehouse());
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "src/cli/bin.js"), "check", "--data", dir, "--format", "json"], {
      encoding: "utf8",
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { tables: { table: string; status: string; rows: number }[] };
    const status = Object.fromEntries(report.tables.map((t) => [t.table, t.status]));
    expect(status).toMatchObject({ contacts: "absent", churn_events: "ok", support_tickets: "ok", usage_events: "ok" });
  });

  it("scores the returned customer again, skips the weeks it was gone, and the measures without data report none", async () => {
    const dir = book(realExportWarehouse());
    const scored = await scoreDir(dir);
    try {
      const { db } = scored;
      const episodes = await db.all<{ account_id: string; episode_number: number; source: string; reactivated_at: Date | null }>(
        "select account_id, episode_number, source, reactivated_at from int_churn_episodes order by account_id",
      );
      expect(episodes.map((e) => [e.account_id, e.episode_number, e.source, e.reactivated_at?.toISOString() ?? null])).toEqual([
        ["R", 1, "churn_events", "2025-04-07T00:00:00.000Z"],
        ["T", 1, "accounts", null],
      ]);

      const weeks = async (account: string) =>
        (
          await db.all<{ w: string }>(
            "select strftime(week_start, '%Y-%m-%d') as w from int_account_weeks where account_id = $a order by week_start",
            { a: account },
          )
        ).map((r) => r.w);
      // R: weeks 0-7 (the last known at its churn instant), then 13-25 once back
      expect(await weeks("R")).toEqual([
        ...Array.from({ length: 8 }, (_, k) => mondayOf(k)),
        ...Array.from({ length: 13 }, (_, k) => mondayOf(13 + k)),
      ]);
      expect((await weeks("S")).length).toBe(26);
      expect(await weeks("T")).toEqual(Array.from({ length: 19 }, (_, k) => mondayOf(k)));
      // scored every one of those weeks
      const scoredWeeks = await db.one<{ n: number }>(
        "select count(*)::integer as n from account_health_weekly where account_id = 'R' and score is not null",
      );
      expect(scoredWeeks!.n).toBe(21);

      // no ticket kinds, escalations or first responses recorded: no data, never 0
      const technical = await db.one<Record<string, number>>(
        `select ${TICKET_COLUMN_MEASURES.map((m) => `count(${m})::integer as ${m}`).join(", ")},
                count(p0_last_30d)::integer as p0_last_30d, count(*)::integer as rows
         from measures_technical`,
      );
      expect(technical!.rows).toBe(21 + 26 + 19);
      for (const measure of TICKET_COLUMN_MEASURES) expect(technical![measure], measure).toBe(0);
      expect(technical!.p0_last_30d).toBe(technical!.rows);
      const inFormula = await db.one<{ n: number; zeros: number }>(
        `select count(*)::integer as n, count(*) filter (where raw_value = 0)::integer as zeros from int_measure_values
         where measure_id in (${TICKET_COLUMN_MEASURES.map((m) => `'${m}'`).join(", ")}) and raw_value is not null`,
      );
      expect(inFormula).toEqual({ n: 0, zeros: 0 });
    } finally {
      scored.close();
    }
  });

  it("after scoring, every measure without data in this book has no row at all (never a 0), and measures_without_data names it with why", async () => {
    // the default formula, with the technical category reading the optional ticket columns too
    const input = defaultFormulaInput();
    const technical = input.categories.find((c) => c.id === "technical")!;
    technical.measures = [
      {
        measure: "open_bugs_weighted",
        weight: 25,
        score: {
          points: [
            [0, 100],
            [4, 50],
            [10, 0],
          ],
        },
      },
      {
        measure: "p0_last_30d",
        weight: 25,
        score: {
          points: [
            [0, 100],
            [1, 40],
            [3, 0],
          ],
        },
      },
      {
        measure: "escalated_tickets_90d",
        weight: 20,
        score: {
          points: [
            [0, 100],
            [2, 0],
          ],
        },
      },
      {
        measure: "escalation_share_90d",
        weight: 15,
        score: {
          points: [
            [0, 100],
            [0.5, 0],
          ],
        },
      },
      {
        measure: "first_response_hours_90d",
        weight: 15,
        score: {
          points: [
            [4, 100],
            [48, 0],
          ],
        },
      },
    ];
    const scored = await scoreDir(book(realExportWarehouse()), formulaFrom(input));
    try {
      const reasons = Object.fromEntries(scored.run.measuresWithoutData.map((m) => [m.measure, m.reason]));
      // no contacts file: the measures about people have no data, by table or per person
      for (const m of ["champion_present", "sponsor_present", "key_contacts", "key_contacts_lost_90d"])
        expect(reasons[m], m).toBe("needs contacts, absent from the data");
      for (const m of [
        "licence_utilisation",
        "user_health_avg",
        "champion_inactive_days",
        "sponsor_inactive_days",
        "active_users_trend_8w_net",
      ]) {
        expect(reasons[m], m).toMatch(/usage names no contact \(account-level usage\), and this measure is per person/);
      }
      // tickets without a kind, an escalation or a first response: no data, said by column
      expect(reasons.open_bugs_weighted).toBe("no ticket of the book records a kind (support_tickets.kind)");
      expect(reasons.escalated_tickets_90d).toBe(
        "no ticket of the book records an escalation (support_tickets.escalated_at or is_escalated)",
      );
      expect(reasons.escalation_share_90d).toBe(reasons.escalated_tickets_90d);
      expect(reasons.first_response_hours_90d).toBe("no ticket of the book records a first response (support_tickets.first_response_at)");
      // every measure of the formula has rows in the scores exactly when it has data
      const withRows = async (table: string) =>
        (await scored.db.all<{ measure_id: string }>(`select distinct measure_id from ${table} order by measure_id`)).map(
          (r) => r.measure_id,
        );
      const formulaMeasures = input.categories.flatMap((c) => c.measures.map((m) => m.measure)).sort();
      const withData = formulaMeasures.filter((m) => !(m in reasons));
      expect(await withRows("int_measure_scores")).toEqual(withData);
      expect(await withRows("account_measures_weekly")).toEqual(withData);
      expect(Object.keys(reasons).every((m) => formulaMeasures.includes(m))).toBe(true);
      // the only raw 0 left is a count of events the book does record: no P0 (severity is exported)
      const zeros = await scored.db.all<{ measure_id: string }>(
        "select distinct measure_id from account_measures_weekly where raw_value = 0 or score = 0 order by measure_id",
      );
      expect(zeros.map((r) => r.measure_id)).toEqual(["p0_last_30d"]);
      expect(scored.run.warnings.filter((w) => w.includes("key_contacts_lost_90d"))).toHaveLength(1);
    } finally {
      scored.close();
    }
  });

  it("labels each episode in the backtest: R's weeks before it left are positives, its weeks after it returned are not", async () => {
    const dir = book(realExportWarehouse());
    const scored = await scoreDir(dir);
    try {
      await createBacktestWeeks(scored.db, { horizonDays: 28, from: null, to: null });
      const rows = await scored.db.all<{ week_start: string; label: boolean; churned_at: Date | null }>(
        "select strftime(week_start, '%Y-%m-%d') as week_start, label, churned_at from backtest_weeks where account_id = 'R' order by week_start",
      );
      // as_of of week k is 2025-01-13 + 7k; churn 2025-03-03 within 28 days: weeks 4 to 7
      const positives = rows.filter((r) => r.label).map((r) => r.week_start);
      expect(positives).toEqual([4, 5, 6, 7].map(mondayOf));
      expect(rows.filter((r) => r.week_start < mondayOf(8)).every((r) => r.churned_at?.toISOString() === "2025-03-03T00:00:00.000Z")).toBe(
        true,
      );
      // once back, the next churn is none: no positives, no churn date
      expect(rows.filter((r) => r.week_start >= mondayOf(13)).every((r) => !r.label && r.churned_at === null)).toBe(true);
    } finally {
      scored.close();
    }
  });
});

describe("churn episodes downstream: lead windows and who is churned now", () => {
  /** R also leaves a second time, 2025-05-05 (the as_of of week 16), for good; the CRM shows that date. */
  function leftTwice(): Tables {
    const t = realExportWarehouse();
    const second = "2025-05-05T00:00:00Z";
    t.churn_events = [...t.churn_events!, { account_id: "R", churned_at: second, reactivated_at: null, reason: "Price" }];
    t.accounts = t.accounts!.map((a) => (a.account_id === "R" ? { ...a, churned_at: second } : a));
    const goneR = (row: Record<string, unknown>, at: string) => row.account_id === "R" && String(row[at]) >= second;
    t.usage_events = t.usage_events!.filter((e) => !goneR(e, "occurred_at"));
    t.support_tickets = t.support_tickets!.filter((e) => !goneR(e, "opened_at"));
    return t;
  }

  type Window = { account_id: string; churned: boolean; ends_at: string; is_observable: boolean; lead_weeks_at_risk: number | null };
  /** Lead windows of 12 weeks, 28-day horizon, with R at risk (position 99) in weeks `atRisk` only. */
  async function windows(tables: Tables, atRisk: number[]): Promise<Window[]> {
    const scored = await scoreDir(book(tables));
    try {
      await createBacktestWeeks(scored.db, { horizonDays: 28, from: null, to: null });
      const flagged = atRisk.map((k) => `'${mondayOf(k)}'`).join(", ");
      const weeks = `(select * replace (case when account_id = 'R' and week_start in (${flagged}) then 99 else 0 end as tier_position) from backtest_weeks)`;
      await createLeadTimes(scored.db, "lead_windows", weeks, false, 12, 99);
      return await scored.db.all<Window>(
        "select account_id, churned, strftime(ends_at, '%Y-%m-%d') as ends_at, is_observable, lead_weeks_at_risk from lead_windows order by churned desc, account_id, ends_at",
      );
    } finally {
      scored.close();
    }
  }

  it("one warning window per churn episode, each reading only its own stint's flags", async () => {
    // R at risk in week 6 (as_of 2025-02-24, before it first left) and week 15 (as_of 2025-04-28)
    const all = await windows(leftTwice(), [6, 15]);
    expect(all.filter((w) => w.churned)).toEqual([
      // the first departure: its 12 weeks start 2024-12-09, before the history: not observable; flagged 1 week ahead
      { account_id: "R", churned: true, ends_at: "2025-03-03", is_observable: false, lead_weeks_at_risk: 1 },
      // the second: 12 weeks from 2025-02-10 reach back over weeks 4-7, but those belong to the first
      // stint; its own flag is week 15, 1 week ahead (week 6 would have made it 10)
      { account_id: "R", churned: true, ends_at: "2025-05-05", is_observable: true, lead_weeks_at_risk: 1 },
      { account_id: "T", churned: true, ends_at: "2025-05-19", is_observable: true, lead_weeks_at_risk: null },
    ]);
    // survivors: S's labelled weeks (as_of up to 2025-06-09, weeks 0-21); R has none left
    const survivors = all.filter((w) => !w.churned);
    expect(survivors.every((w) => w.account_id === "S")).toBe(true);
    expect(survivors).toHaveLength(22);
  });

  it("the weeks after a customer came back are survivor windows, blind to flags from before it left", async () => {
    const all = await windows(realExportWarehouse(), [6]);
    expect(all.filter((w) => w.churned).map((w) => [w.account_id, w.ends_at, w.is_observable, w.lead_weeks_at_risk])).toEqual([
      ["R", "2025-03-03", false, 1],
      ["T", "2025-05-19", true, null],
    ]);
    // R back from week 13: its labelled weeks 13-21 each end a survivor window; none sees week 6's flag
    const r = all.filter((w) => !w.churned && w.account_id === "R");
    expect(r.map((w) => w.ends_at)).toEqual(Array.from({ length: 9 }, (_, k) => mondayOf(14 + k)));
    expect(r.every((w) => w.lead_weeks_at_risk === null)).toBe(true);
    expect(all.filter((w) => !w.churned && w.account_id === "S")).toHaveLength(22);
  });

  it("accounts says churned from the latest episode: returned is not churned, whatever accounts.churned_at says", async () => {
    const churnedNow = async (tables: Tables) => {
      const scored = await scoreDir(book(tables));
      try {
        return (
          await scored.db.all<{ account_id: string; is_churned: boolean; churned_at: Date | null; churn_episodes: number }>(
            "select account_id, is_churned, churned_at, churn_episodes from accounts order by account_id",
          )
        ).map((a) => [a.account_id, a.is_churned, a.churned_at && ymd(a.churned_at), a.churn_episodes]);
      } finally {
        scored.close();
      }
    };
    // the CRM still shows R's departure, though R came back
    const returned = realExportWarehouse();
    returned.accounts = returned.accounts!.map((a) => (a.account_id === "R" ? { ...a, churned_at: R_CHURNED } : a));
    expect(await churnedNow(returned)).toEqual([
      ["R", false, null, 1],
      ["S", false, null, 0],
      ["T", true, "2025-05-19", 1],
    ]);
    expect(await churnedNow(leftTwice())).toEqual([
      ["R", true, "2025-05-05", 2],
      ["S", false, null, 0],
      ["T", true, "2025-05-19", 1],
    ]);
  });
});

describe("churn episodes", () => {
  async function episodesOf(tables: Tables): Promise<{ account_id: string; churned: string; back: string | null; source: string }[]> {
    const dir = book(tables);
    return withDatabase(async (db) => {
      await ingest(db, dir);
      const rows = await db.all<{ account_id: string; churned_at: Date; reactivated_at: Date | null; source: string }>(
        "select account_id, churned_at, reactivated_at, source from int_churn_episodes order by account_id, churned_at",
      );
      return rows.map((r) => ({
        account_id: r.account_id,
        churned: ymd(r.churned_at),
        back: r.reactivated_at ? ymd(r.reactivated_at) : null,
        source: r.source,
      }));
    });
  }

  it("come from subscription_changes of kind churn, ended by the next change of another kind", async () => {
    const t = realExportWarehouse();
    delete t.churn_events;
    t.accounts = t.accounts!.map((a) => ({ ...a, churned_at: null }));
    t.subscription_changes = [
      { change_id: "C1", account_id: "R", changed_at: "2024-06-03T00:00:00Z", kind: "new", seats: 5, plan: "growth", arr: 6000 },
      { change_id: "C2", account_id: "R", changed_at: R_CHURNED, kind: "churn", seats: 0, plan: "growth", arr: 0 },
      // a second churn row while already gone does not start a second episode
      { change_id: "C3", account_id: "R", changed_at: "2025-03-10T00:00:00Z", kind: "churn", seats: 0, plan: "growth", arr: 0 },
      { change_id: "C4", account_id: "R", changed_at: R_BACK, kind: "reactivation", seats: 3, plan: "starter", arr: 2000 },
      { change_id: "C5", account_id: "T", changed_at: "2025-05-19T00:00:00Z", kind: "churn", seats: 0, plan: "growth", arr: 0 },
    ];
    expect(await episodesOf(t)).toEqual([
      { account_id: "R", churned: "2025-03-03", back: "2025-04-07", source: "subscription_changes" },
      { account_id: "T", churned: "2025-05-19", back: null, source: "subscription_changes" },
    ]);
  });

  it("keep accounts.churned_at as the one-episode case, and churn_events replace it for the accounts it lists", async () => {
    const t = realExportWarehouse();
    t.churn_events = [
      { account_id: "R", churned_at: "2025-02-03T00:00:00Z", reactivated_at: "2025-02-17T00:00:00Z", reason: null },
      { account_id: "R", churned_at: "2025-05-05T00:00:00Z", reactivated_at: null, reason: "Price" },
    ];
    t.accounts = t.accounts!.map((a) => (a.account_id === "R" ? { ...a, churned_at: "2025-05-05T00:00:00Z" } : a));
    expect(await episodesOf(t)).toEqual([
      { account_id: "R", churned: "2025-02-03", back: "2025-02-17", source: "churn_events" },
      { account_id: "R", churned: "2025-05-05", back: null, source: "churn_events" },
      { account_id: "T", churned: "2025-05-19", back: null, source: "accounts" },
    ]);
  });

  it("warn when accounts.churned_at matches none of the account's churn_events", async () => {
    const t = realExportWarehouse();
    t.accounts = t.accounts!.map((a) => (a.account_id === "R" ? { ...a, churned_at: "2025-06-02T00:00:00Z" } : a));
    const warnings = await withDatabase(async (db) => (await ingest(db, book(t))).warnings);
    expect(warnings.find((w) => w.table === "churn_events")).toMatchObject({ level: "warning", keys: ["R"] });
  });
});

describe("bad values in the new columns are refused with file, column and row", () => {
  const realBook = (change: (t: Tables) => void) => {
    const t = realExportWarehouse();
    change(t);
    return book(t);
  };

  it("a reactivation before its churn", async () => {
    const dir = realBook((t) => (t.churn_events![0]!.reactivated_at = "2025-02-01T00:00:00Z"));
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({
      rule: "rule",
      table: "churn_events",
      column: "reactivated_at",
      rows: [1],
      file: path.join(dir, "churn_events.csv"),
    });
    expect(problem!.message).toContain("after churned_at");
  });

  it("a churn while the account is already gone (overlapping episodes)", async () => {
    const dir = realBook((t) =>
      t.churn_events!.push({ account_id: "R", churned_at: "2025-03-20T00:00:00Z", reactivated_at: null, reason: null }),
    );
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "rule", table: "churn_events", column: "churned_at", rows: [1] });
    expect(problem!.message).toContain("cannot leave while it is gone");
  });

  it("a churn event for an unknown account, and a duplicate episode", async () => {
    const unknown = realBook((t) =>
      t.churn_events!.push({ account_id: "NOPE", churned_at: "2025-03-20T00:00:00Z", reactivated_at: null, reason: null }),
    );
    expect((await errorsOf(unknown))[0]).toMatchObject({
      rule: "orphan_key",
      table: "churn_events",
      column: "account_id",
      rows: [2],
      keys: ["NOPE"],
    });
    const twice = realBook((t) => t.churn_events!.push({ ...t.churn_events![0]! }));
    expect((await errorsOf(twice)).find((p) => p.rule === "duplicate_key")).toMatchObject({ table: "churn_events", rows: [1, 2] });
  });

  it("a first response or an escalation before the ticket was opened, and an escalation time on a ticket flagged not escalated", async () => {
    const ticket = (extra: Record<string, string | boolean | null>) => (t: Tables) => {
      t.support_tickets = t.support_tickets!.map((row, i) => ({
        ...row,
        first_response_at: null,
        escalated_at: null,
        is_escalated: null,
        ...(i === 2 ? extra : {}),
      }));
    };
    for (const [column, extra] of [
      ["first_response_at", { first_response_at: "2025-01-01T00:00:00Z" }],
      ["escalated_at", { escalated_at: "2025-01-01T00:00:00Z", is_escalated: true }],
      ["is_escalated", { escalated_at: "2025-03-01T00:00:00Z", is_escalated: false }],
    ] as const) {
      const [problem] = await errorsOf(realBook(ticket(extra)));
      expect(problem, column).toMatchObject({ rule: "rule", table: "support_tickets", column, rows: [3] });
    }
  });

  it("a ticket kind outside the list is still refused; an empty one is not", async () => {
    const bad = tinyWarehouse();
    bad.support_tickets![1]!.kind = "problem";
    expect((await errorsOf(book(bad, "2025-07-07T00:00:00Z")))[0]).toMatchObject({ rule: "out_of_range", column: "kind", rows: [2] });
    const empty = tinyWarehouse();
    empty.support_tickets![1]!.kind = null;
    expect(await errorsOf(book(empty, "2025-07-07T00:00:00Z"))).toEqual([]);
  });

  it("usage naming contacts with no contacts file", async () => {
    const t = realExportWarehouse();
    t.usage_events = t.usage_events!.map((e, i) => ({ ...e, contact_id: i === 0 ? "C1" : null }));
    const dir = book(t);
    const [problem] = await errorsOf(dir);
    expect(problem).toMatchObject({ rule: "orphan_key", table: "usage_events", column: "contact_id", keys: ["C1"], rows: [1] });
  });
});

describe("the optional ticket columns feed the technical measures when present", () => {
  /** R's tickets get a first response two hours after opening; one P1 is escalated a day later. */
  function withTicketColumns(): Tables {
    const t = realExportWarehouse();
    t.support_tickets = t.support_tickets!.map((row) => {
      const opened = Date.parse(String(row.opened_at));
      const isR = row.account_id === "R";
      return {
        ...row,
        kind: row.severity === "P1" ? "bug" : "question",
        first_response_at: isR ? new Date(opened + 2 * 3600_000).toISOString() : new Date(opened + 6 * 3600_000).toISOString(),
        escalated_at: isR && row.ticket_id === "R-1" ? new Date(opened + 86_400_000).toISOString() : null,
      };
    });
    return t;
  }

  async function technical(db: Database, account: string, week: number) {
    return db.one<Record<string, number | null>>(
      `select open_bugs_weighted, escalated_tickets_90d, escalation_share_90d, first_response_hours_90d
       from measures_technical where account_id = $a and week_start = $w::date`,
      { a: account, w: mondayOf(week) },
    );
  }

  it("escalations and first responses as of each week, worked out by hand", async () => {
    const scored = await scoreDir(book(withTicketColumns()));
    try {
      // week 0 (as_of 2025-01-13): no ticket yet anywhere: nothing recorded, no data
      expect(await technical(scored.db, "R", 0)).toEqual({
        open_bugs_weighted: null,
        escalated_tickets_90d: null,
        escalation_share_90d: null,
        first_response_hours_90d: null,
      });
      // week 1 (as_of 2025-01-20): R-1 (P1 bug) opened 2025-01-13 11:00, answered 13:00, closed 15:00,
      // escalated 2025-01-14 11:00: one escalation, one ticket opened, 2 hours to first response
      expect(await technical(scored.db, "R", 1)).toEqual({
        open_bugs_weighted: 0,
        escalated_tickets_90d: 1,
        escalation_share_90d: 1,
        first_response_hours_90d: 2,
      });
      // S in week 5 (as_of 2025-02-17): S-1 and S-5 opened, both answered after 6 hours, none escalated
      expect(await technical(scored.db, "S", 5)).toEqual({
        open_bugs_weighted: 0,
        escalated_tickets_90d: 0,
        escalation_share_90d: 0,
        first_response_hours_90d: 6,
      });
      // R in week 5: R-1 and R-5, one of the two escalated
      expect((await technical(scored.db, "R", 5))!.escalation_share_90d).toBe(0.5);
    } finally {
      scored.close();
    }
  });

  it("an unanswered ticket counts its wait so far", async () => {
    const t = withTicketColumns();
    // S-17 (opened 2025-05-05 11:00) and S-21 (2025-06-02 11:00) are never answered nor closed
    t.support_tickets = t.support_tickets!.map((row) =>
      row.ticket_id === "S-17" || row.ticket_id === "S-21" ? { ...row, first_response_at: null, closed_at: null, status: "open" } : row,
    );
    const scored = await scoreDir(book(t));
    try {
      // as_of of week 21 is 2025-06-09; opened in the 90 days before: S-13 answered after 6 h, S-17
      // waiting 829 h so far, S-21 waiting 157 h: median 157
      expect((await technical(scored.db, "S", 21))!.first_response_hours_90d).toBe(157);
      // R's tickets are all answered: still 2 hours
      expect((await technical(scored.db, "R", 21))!.first_response_hours_90d).toBe(2);
    } finally {
      scored.close();
    }
  });
});
