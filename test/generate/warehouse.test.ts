/**
 * One generated warehouse, checked against the export contract and for the behaviours it plants.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, appendFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, literal } from "../../src/db/duckdb.ts";
import { columnsOf } from "../../src/contract/introspect.ts";
import { TABLES } from "../../src/contract/tables.ts";
import { generateDemoWarehouse, type GenerateSummary } from "../../src/generate/demo-warehouse.ts";
import { SCENARIOS } from "../../src/generate/scenarios.ts";
import { checkWarehouse, GENERATED_TABLES, registerViews } from "./contract-check.ts";

let root: string;
let dir: string;
let summary: GenerateSummary;
let db: Database;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "gen-warehouse-"));
  dir = path.join(root, "wh");
  summary = await generateDemoWarehouse({ accounts: 160, eventsPerAccount: 2500, seed: 5, outDir: dir });
  db = await Database.open();
  await registerViews(db, dir);
  await db.run(`create view answers as select * from read_csv(${literal(path.join(dir, "_answers", "scenarios.csv"))})`);
  // accounts the demo team's action saved from the churn their story leads to (src/generate/interventions.ts)
  await db.run(
    `create view saved as select account_id from read_csv(${literal(path.join(dir, "_answers", "interventions.csv"))}) where saved_by_action`,
  );
  await db.run(`create table weekly as
    select account_id, date_trunc('week', occurred_at) as week, count(*) as events, count(distinct contact_id) as users
    from t_usage_events group by all`);
});

afterAll(() => {
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

async function rows<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  return db.all<T>(sql);
}

describe("the generated files", () => {
  it("are every export table plus export.json and the answers", () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        ...GENERATED_TABLES.map((t) => (t.name === "usage_events" ? "usage_events.parquet" : `${t.name}.csv`)),
        "_answers",
        "export.json",
      ].sort(),
    );
    expect(readdirSync(path.join(dir, "_answers")).sort()).toEqual(["interventions.csv", "scenarios.csv", "summary.json"]);
    expect(JSON.parse(readFileSync(path.join(dir, "export.json"), "utf8"))).toEqual({ exported_at: "2026-11-16T00:00:00Z" });
  });

  it("meet the contract: columns, types, required values, ranges, enums, keys, foreign keys, rules, no future dates", async () => {
    expect(await checkWarehouse(db, dir)).toEqual([]);
  });

  it("populate every table and every nullable column's both states where the contract allows", async () => {
    for (const table of GENERATED_TABLES) {
      const [r] = await rows<{ n: number }>(`select count(*)::integer as n from t_${table.name}`);
      expect(r?.n, table.name).toBeGreaterThan(0);
    }
    const [u] = await rows<{ api: number; people: number }>(
      "select count(*) filter (where contact_id is null)::integer as api, count(*) filter (where contact_id is not null)::integer as people from t_usage_events",
    );
    expect(u!.api).toBeGreaterThan(0);
    expect(u!.people).toBeGreaterThan(u!.api * 5);
  });

  it("include names that need escaping when rendered", async () => {
    const names = await rows<{ account_name: string }>("select account_name from t_accounts");
    const tricky = names.map((r) => r.account_name).filter((n) => /[&<>"'\u0080-\uffff]/.test(n));
    expect(tricky.length).toBeGreaterThanOrEqual(3);
    expect(tricky.some((n) => n.includes("<"))).toBe(true);
  });

  it("report problems when a file breaks the contract (the checker is not vacuous)", async () => {
    const broken = path.join(root, "broken");
    cpSync(dir, broken, { recursive: true });
    appendFileSync(path.join(broken, "support_tickets.csv"), "TKT-BAD,ACC-NOPE,,2026-01-02 10:00:00,2026-01-01 10:00:00,P9,bug,closed,7\n");
    const other = await Database.open();
    try {
      await registerViews(other, broken);
      const problems = (await checkWarehouse(other, broken)).join("\n");
      expect(problems).toMatch(/support_tickets.account_id: 1 values missing from accounts/);
      expect(problems).toMatch(/support_tickets.severity: 1 values outside/);
      expect(problems).toMatch(/support_tickets.csat_score: 1 values above 5/);
      expect(problems).toMatch(/support_tickets.closed_at: 1 rows not on or after opened_at/);
    } finally {
      other.close();
    }
  });
});

describe("the answers", () => {
  it("cover every account once, with a known scenario and expectation", async () => {
    const [r] = await rows<{ n: number; accounts: number; bad: number }>(`
      select count(*)::integer as n, count(distinct account_id)::integer as accounts,
        count(*) filter (where expected not in ('at_risk', 'expansion', 'healthy', 'recovers')
                            or scenario not in (${["baseline", ...SCENARIOS].map(literal).join(", ")}))::integer as bad
      from answers`);
    expect(r).toEqual({ n: 160, accounts: 160, bad: 0 });
    const [j] = await rows<{ n: number }>(
      "select count(*)::integer as n from answers a full join t_accounts c using (account_id) where a.account_id is null or c.account_id is null",
    );
    expect(j!.n).toBe(0);
  });

  it("agree with the accounts' churn and with summary.json", async () => {
    const [r] = await rows<{ mismatched: number; churned: number }>(`
      select count(*) filter (where a.churned_at is distinct from c.churned_at)::integer as mismatched,
             count(c.churned_at)::integer as churned
      from answers a join t_accounts c using (account_id)`);
    expect(r!.mismatched).toBe(0);
    const file = JSON.parse(readFileSync(path.join(dir, "_answers", "summary.json"), "utf8"));
    expect(file.churned).toBe(r!.churned);
    expect(summary.churned).toBe(r!.churned);
    expect(file.accounts).toBe(160);
    expect(file.usage_events).toBe(summary.usageEvents);
    const counted = await rows<{ scenario: string; n: number }>("select scenario, count(*)::integer as n from answers group by all");
    expect(Object.fromEntries(counted.map((c) => [c.scenario, c.n]))).toEqual(file.scenarios);
  });

  it("never leak into the export tables", () => {
    // Scenario names that are not also legitimate contract values (e.g. a risk kind) must not appear anywhere.
    const contractValues = new Set(TABLES.flatMap((t) => columnsOf(t).flatMap((c) => c.values ?? [])));
    const leaks = [...SCENARIOS, "baseline", "at_risk", "recovers", "scenario"].filter((s) => !contractValues.has(s));
    for (const table of GENERATED_TABLES) {
      const names = columnsOf(table).map((c) => c.name);
      expect(
        names.some((n) => /scenario|expected|signal|planted|answer/.test(n)),
        table.name,
      ).toBe(false);
      if (table.name === "usage_events") continue;
      const text = readFileSync(path.join(dir, `${table.name}.csv`), "utf8");
      for (const word of leaks) expect(text.includes(word), `${word} in ${table.name}`).toBe(false);
    }
  });

  it("are not inferable from the order of ids", async () => {
    // Planted accounts are spread over the id range, not clustered at its start.
    const [r] = await rows<{ first_half: number; planted: number }>(`
      select count(*) filter (where scenario <> 'baseline' and account_id <= 'ACC-00080')::integer as first_half,
             count(*) filter (where scenario <> 'baseline')::integer as planted
      from answers`);
    expect(r!.first_half / r!.planted).toBeGreaterThan(0.3);
    expect(r!.first_half / r!.planted).toBeLessThan(0.7);
  });
});

describe("the CRM history", () => {
  it("gives accounts the seats, plan and ARR of their latest subscription change", async () => {
    const [r] = await rows<{ n: number; bad: number }>(`
      with latest as (
        select account_id, arg_max(seats, changed_at) as seats, arg_max(plan, changed_at) as plan, arg_max(arr, changed_at) as arr
        from t_subscription_changes group by all)
      select count(*)::integer as n,
        count(*) filter (where l.seats is distinct from a.seats_purchased or l.plan is distinct from a.plan or l.arr is distinct from a.arr)::integer as bad
      from t_accounts a left join latest l using (account_id)`);
    expect(r).toEqual({ n: 160, bad: 0 });
    const [s] = await rows<{ bad: number }>(`
      select count(*)::integer as bad from t_accounts a
      where (select count(*) from t_subscription_changes s where s.account_id = a.account_id and s.kind = 'new'
             and s.changed_at = a.contract_start_date) <> 1`);
    expect(s!.bad).toBe(0);
  });

  it("churns at renewal, except insolvencies, and stops usage and tickets at churn", async () => {
    const [r] = await rows<{ churned: number; off_renewal: number; late_usage: number; late_tickets: number }>(`
      select count(*)::integer as churned,
        count(*) filter (where a.churned_at::date <> a.renewal_date and s.scenario <> 'bankruptcy')::integer as off_renewal,
        (select count(*) from t_usage_events e join t_accounts a2 using (account_id) where e.occurred_at >= a2.churned_at)::integer as late_usage,
        (select count(*) from t_support_tickets t join t_accounts a3 using (account_id) where t.opened_at >= a3.churned_at)::integer as late_tickets
      from t_accounts a join answers s using (account_id) where a.churned_at is not null`);
    expect(r!.churned).toBeGreaterThan(10);
    expect(r).toMatchObject({ off_renewal: 0, late_usage: 0, late_tickets: 0 });
  });

  it("has a team per account: a champion, mostly a sponsor, users close to seats x utilisation", async () => {
    const [r] = await rows<{ accounts: number; with_champion: number; with_sponsor: number; per_account: number }>(`
      select count(*)::integer as accounts,
        count(*) filter (where champions > 0)::integer as with_champion,
        count(*) filter (where sponsors > 0)::integer as with_sponsor,
        avg(people)::double as per_account
      from (select account_id, count(*) filter (where role = 'champion') as champions,
              count(*) filter (where role = 'executive_sponsor') as sponsors, count(*) as people
            from t_contacts group by all)`);
    expect(r!.with_champion).toBe(r!.accounts);
    expect(r!.with_sponsor / r!.accounts).toBeGreaterThan(0.7);
    expect(r!.per_account).toBeGreaterThan(10);
    expect(r!.per_account).toBeLessThan(40);
  });
});

describe("the planted behaviours", () => {
  it("usage_decline_churn: the last four weeks before churn are well below the earlier level", async () => {
    const ratios = await rows<{ account_id: string; ratio: number; users: number }>(`
      select s.account_id,
        (sum(events) filter (where week >= s.churned_at - interval 28 day and week < s.churned_at)
          / (sum(events) filter (where week >= s.churned_at - interval 182 day and week < s.churned_at - interval 98 day) / 3.0))::double as ratio,
        (avg(users) filter (where week >= s.churned_at - interval 28 day and week < s.churned_at)
          / avg(users) filter (where week >= s.churned_at - interval 182 day and week < s.churned_at - interval 98 day))::double as users
      from answers s join weekly w using (account_id)
      where s.scenario = 'usage_decline_churn' group by all`);
    expect(ratios.length).toBeGreaterThanOrEqual(8);
    const sorted = ratios.map((r) => r.ratio).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(0.65);
    expect(ratios.filter((r) => r.ratio < 0.85).length / ratios.length).toBeGreaterThan(0.75);
    expect(ratios.filter((r) => r.users < 1).length / ratios.length).toBeGreaterThan(0.75);
  });

  it("p0_bug_storm: P0/P1 tickets cluster in the weeks after the storm starts", async () => {
    const storms = await rows<{ account_id: string; burst: number; p0: number }>(`
      select s.account_id,
        count(*) filter (where t.severity in ('P0', 'P1') and t.opened_at between s.signal_started_at and s.signal_started_at + interval 35 day)::integer as burst,
        count(*) filter (where t.severity = 'P0' and t.opened_at between s.signal_started_at and s.signal_started_at + interval 35 day)::integer as p0
      from answers s left join t_support_tickets t using (account_id)
      where s.scenario = 'p0_bug_storm' group by all`);
    expect(storms.length).toBeGreaterThanOrEqual(2);
    for (const s of storms) expect(s.burst, s.account_id).toBeGreaterThanOrEqual(3);
    const [base] = await rows<{ p0_per_account_month: number }>(`
      select (count(*) filter (where t.severity = 'P0') / (count(distinct s.account_id) * 24.0))::double as p0_per_account_month
      from answers s left join t_support_tickets t using (account_id) where s.scenario = 'baseline'`);
    const stormRate = storms.reduce((sum, s) => sum + s.p0, 0) / storms.length;
    expect(stormRate).toBeGreaterThan(20 * base!.p0_per_account_month);
    const [csat] = await rows<{ storm: number; other: number }>(`
      select avg(csat_score) filter (where s.scenario = 'p0_bug_storm' and t.opened_at between s.signal_started_at and s.signal_started_at + interval 35 day)::double as storm,
             avg(csat_score) filter (where s.scenario = 'baseline')::double as other
      from t_support_tickets t join answers s using (account_id)`);
    expect(csat!.storm).toBeLessThan(csat!.other - 1);
  });

  it("expansion: nearly every seat in use before any expansion", async () => {
    const accounts = await rows<{ account_id: string; ratio: number }>(`
      with cut as (
        select s.account_id,
          coalesce(min(c.changed_at) filter (where c.kind = 'expansion' and c.changed_at > s.signal_started_at), timestamp '2026-11-16') as cut
        from answers s join t_subscription_changes c using (account_id) where s.scenario = 'expansion' group by all
      ), seats as (
        select cut.*, (select arg_max(seats, changed_at) from t_subscription_changes c where c.account_id = cut.account_id and c.changed_at < cut.cut) as seats
        from cut
      )
      select s.account_id, (count(distinct e.contact_id) / any_value(s.seats))::double as ratio
      from seats s join t_usage_events e on e.account_id = s.account_id and e.occurred_at >= s.cut - interval 28 day and e.occurred_at < s.cut
      where e.contact_id is not null group by all`);
    expect(accounts.length).toBeGreaterThanOrEqual(4);
    const sorted = accounts.map((a) => a.ratio).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThanOrEqual(0.9);
    expect(sorted[0]).toBeGreaterThanOrEqual(0.75);
    const [upsell] = await rows<{ n: number }>(`
      select count(distinct r.account_id)::integer as n from t_feature_requests r join answers s using (account_id)
      join t_features f using (feature) join t_accounts a using (account_id)
      where s.scenario = 'expansion' and r.requested_at >= s.signal_started_at and f.min_plan in ('growth', 'enterprise')`);
    expect(upsell!.n).toBeGreaterThan(0);
  });

  it("low_utilisation_power_users: about 30% of seats in use, by heavy users", async () => {
    const accounts = await rows<{ ratio: number; per_user: number; base_per_user: number }>(`
      with last4 as (
        select account_id, count(distinct contact_id) as users, count(*) as events from t_usage_events
        where occurred_at >= timestamp '2026-10-19' and contact_id is not null group by all
      )
      select (l.users / a.seats_purchased)::double as ratio, (l.events / l.users)::double as per_user
      from answers s join t_accounts a using (account_id) join last4 l using (account_id)
      where s.scenario = 'low_utilisation_power_users' and a.churned_at is null`);
    expect(accounts.length).toBeGreaterThanOrEqual(3);
    const ratios = accounts.map((a) => a.ratio).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    expect(median).toBeGreaterThan(0.2);
    expect(median).toBeLessThan(0.42);
  });

  it("champion_left_churn: the champion leaves 8-20 weeks before churn", async () => {
    // an account the team saved does not churn: its champion still left at the signal
    const accounts = await rows<{ account_id: string; weeks: number | null }>(`
      select s.account_id,
        min(date_diff('day', c.left_at, s.churned_at)) filter (where c.role = 'champion' and c.left_at::date = s.signal_started_at::date) / 7.0 as weeks
      from answers s left join t_contacts c using (account_id)
      where s.scenario = 'champion_left_churn' and s.account_id not in (select account_id from saved) group by all`);
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    for (const a of accounts) {
      expect(a.weeks, a.account_id).not.toBeNull();
      expect(a.weeks!).toBeGreaterThanOrEqual(7.9);
      expect(a.weeks!).toBeLessThanOrEqual(20.1);
    }
  });

  it("promoter_decline: key contacts keep answering 9-10 while usage falls", async () => {
    const [nps] = await rows<{ n: number; low: number }>(`
      select count(*)::integer as n, count(*) filter (where r.nps < 9)::integer as low
      from t_survey_responses r join answers s using (account_id) join t_contacts c using (contact_id)
      where s.scenario = 'promoter_decline' and r.nps is not null and c.role <> 'end_user'`);
    expect(nps!.n).toBeGreaterThan(0);
    expect(nps!.low).toBe(0);
    const ratios = await rows<{ ratio: number }>(`
      select (avg(events) filter (where week >= s.signal_started_at + interval 84 day and week < s.signal_started_at + interval 112 day)
        / avg(events) filter (where week >= s.signal_started_at - interval 70 day and week < s.signal_started_at - interval 14 day))::double as ratio
      from answers s join weekly w using (account_id)
      where s.scenario = 'promoter_decline' and (s.churned_at is null or s.churned_at > s.signal_started_at + interval 112 day) group by s.account_id`);
    const sorted = ratios
      .map((r) => r.ratio)
      .filter((r) => r !== null)
      .sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThan(0);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(0.8);
  });

  it("stalled_onboarding: projects go red and miss go-live by 30+ days or never go live", async () => {
    const projects = await rows<{ account_id: string; late: boolean; reds: number }>(`
      select s.account_id,
        (p.go_live_at is null or p.go_live_at >= p.target_go_live_date + interval 30 day) as late,
        (select count(*) from t_onboarding_status_updates u where u.project_id = p.project_id and u.status = 'red')::integer as reds
      from answers s join t_onboarding_projects p using (account_id)
      where s.scenario = 'stalled_onboarding'`);
    expect(projects.length).toBeGreaterThanOrEqual(2);
    for (const p of projects) {
      expect(p.late, p.account_id).toBe(true);
      expect(p.reds, p.account_id).toBeGreaterThan(0);
    }
    const [others] = await rows<{ on_time: number }>(`
      select avg((p.go_live_at < p.target_go_live_date + interval 21 day)::integer)::double as on_time
      from answers s join t_onboarding_projects p using (account_id)
      where s.scenario = 'baseline' and p.go_live_at is not null`);
    expect(others!.on_time).toBeGreaterThan(0.9);
  });

  it("decline_recover: usage dips, then comes back, and the account stays", async () => {
    const accounts = await rows<{ churned: boolean; dip: number; after: number }>(`
      select any_value(s.churned_at) is not null as churned,
        (avg(events) filter (where week >= s.signal_started_at and week < s.signal_started_at + interval 28 day)
          / avg(events) filter (where week >= s.signal_started_at - interval 70 day and week < s.signal_started_at - interval 14 day))::double as dip,
        (avg(events) filter (where week >= s.signal_started_at + interval 84 day and week < s.signal_started_at + interval 140 day)
          / avg(events) filter (where week >= s.signal_started_at - interval 70 day and week < s.signal_started_at - interval 14 day))::double as after
      from answers s join weekly w using (account_id)
      where s.scenario = 'decline_recover' group by s.account_id`);
    expect(accounts.length).toBeGreaterThanOrEqual(3);
    expect(accounts.every((a) => !a.churned)).toBe(true);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(accounts.map((a) => a.dip))).toBeLessThan(0.8);
    expect(median(accounts.map((a) => a.after))).toBeGreaterThan(0.85);
  });

  it("bankruptcy and acquisitions: a risk event at the signal; insolvent accounts churn within 1-3 months", async () => {
    const events = await rows<{ scenario: string; matched: number; days_to_churn: number | null }>(`
      select s.scenario,
        count(*) filter (where r.kind = s.scenario and r.occurred_at::date = s.signal_started_at::date)::integer as matched,
        any_value(date_diff('day', s.signal_started_at, s.churned_at)) as days_to_churn
      from answers s left join t_external_risk_events r using (account_id)
      where s.scenario in ('bankruptcy', 'merger_acquisition') group by s.account_id, s.scenario`);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) {
      expect(e.matched).toBe(1);
      if (e.scenario === "bankruptcy") {
        expect(e.days_to_churn).toBeGreaterThanOrEqual(28);
        expect(e.days_to_churn).toBeLessThanOrEqual(92);
      }
    }
  });

  it("silent_churn: churn at renewal without the planted signals", async () => {
    const [r] = await rows<{ n: number; churned: number; saved: number; high_risks: number }>(`
      select count(*)::integer as n, count(s.churned_at)::integer as churned,
        count(*) filter (where s.account_id in (select account_id from saved))::integer as saved,
        (select count(*) from t_external_risk_events e where e.account_id in (select account_id from answers where scenario = 'silent_churn') and e.severity = 'high')::integer as high_risks
      from answers s where s.scenario = 'silent_churn'`);
    expect(r!.n).toBeGreaterThan(0);
    // every one churns but those the team's action saved
    expect(r!.churned).toBe(r!.n - r!.saved);
    expect(r!.high_risks).toBe(0);
  });
});
