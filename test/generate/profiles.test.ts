/**
 * The generator's profiles: each generates, meets the contract and passes the engine's own check,
 * is deterministic, and has the property it claims (sparse buying, one user, no roles, only the
 * required tables, a season hitting every account, churn from low volume with no decline).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, literal, withDatabase } from "../../src/db/duckdb.ts";
import { tableContract } from "../../src/contract/tables.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import { PROFILES, PROFILE_IDS } from "../../src/generate/profiles.ts";
import { ingest } from "../../src/ingest/ingest.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { checkWarehouse, registerViews } from "./contract-check.ts";

const root = tempDir("gen-profiles-");
const SIZE = { accounts: 150, seed: 3 } as const;
const REQUIRED = ["accounts", "contacts", "usage_events"];

const dirs: Record<string, string> = {};
let db: Database;

beforeAll(async () => {
  for (const profile of PROFILES) {
    dirs[profile.id] = path.join(root, profile.id);
    await generateDemoWarehouse({ ...SIZE, profile: profile.id, outDir: dirs[profile.id]! });
  }
  db = await Database.open();
}, 240_000);

afterAll(() => db?.close());

const events = (id: string) => `read_parquet(${literal(path.join(dirs[id]!, "usage_events.parquet"))})`;
const csv = (id: string, table: string) => `read_csv(${literal(path.join(dirs[id]!, `${table}.csv`))}, header = true)`;

function tablesOf(id: string): string[] {
  return readdirSync(dirs[id]!)
    .filter((f) => f.endsWith(".csv") || f.endsWith(".parquet"))
    .map((f) => f.replace(/\.(csv|parquet)$/, ""))
    .sort();
}

describe("every profile", () => {
  it("is listed once, with a description, and the CLI accepts each id", () => {
    expect(new Set(PROFILE_IDS).size).toBe(PROFILE_IDS.length);
    expect(PROFILE_IDS).toEqual(["demo", "sparse", "single_user", "no_roles", "minimal", "seasonal", "low_volume_churn"]);
    for (const p of PROFILES) expect(p.description.length).toBeGreaterThan(20);
  });

  it.each(PROFILES.map((p) => p.id))("%s meets the contract and passes health check with no error", async (id) => {
    const tables = tablesOf(id).map(tableContract);
    await registerViews(db, dirs[id]!, tables);
    expect(await checkWarehouse(db, dirs[id]!, tables)).toEqual([]);
    const result = await withDatabase((own) => ingest(own, dirs[id]!));
    const present = result.tables
      .filter((t) => t.present)
      .map((t) => t.table)
      .sort();
    expect(present).toEqual(tablesOf(id));
    for (const t of result.tables.filter((t) => t.present)) expect(t.rows, `${id} ${t.table}`).toBeGreaterThan(0);
  });

  it.each(PROFILES.map((p) => p.id))("%s plants churn with its ground truth in _answers/", async (id) => {
    const summary = JSON.parse(readFileSync(path.join(dirs[id]!, "_answers", "summary.json"), "utf8"));
    expect(summary.profile).toBe(id);
    const answers = `read_csv(${literal(path.join(dirs[id]!, "_answers", "scenarios.csv"))}, header = true,
      types = {'churned_at': 'TIMESTAMP', 'reactivated_at': 'TIMESTAMP'})`;
    const [r] = await db.all<{ gone_now: number; churned: number; returned: number; explained: number; rows: number }>(
      `select count(*) filter (where a.churned_at is not null)::integer as gone_now,
              count(*) filter (where s.churned_at is not null)::integer as churned,
              count(*) filter (where s.reactivated_at is not null)::integer as returned,
              count(*) filter (where s.expected = 'at_risk')::integer as explained,
              count(*)::integer as rows
       from ${csv(id, "accounts")} a join ${answers} s using (account_id)`,
    );
    expect(r!.rows).toBe(SIZE.accounts);
    // accounts.churned_at shows who is gone at the export; a customer that came back shows none
    expect(r!.churned).toBe(r!.gone_now + r!.returned);
    if (!tablesOf(id).includes("churn_events")) expect(r!.returned).toBe(0);
    // a book to learn from: between 8% and 45% of accounts churn over two years, most for a cause in the data
    expect(r!.churned).toBeGreaterThan(SIZE.accounts * 0.08);
    expect(r!.churned).toBeLessThan(SIZE.accounts * 0.45);
    expect(r!.explained).toBeGreaterThan(r!.churned * 0.5);
    expect(summary.churned).toBe(r!.churned);
    // nothing of an account happens while it is gone
    const [late] = await db.all<{ n: number }>(
      `select count(*)::integer as n from ${events(id)} e join ${answers} s using (account_id)
       where s.churned_at is not null and e.occurred_at >= s.churned_at
         and (s.reactivated_at is null or e.occurred_at < s.reactivated_at)`,
    );
    expect(late!.n).toBe(0);
  });
});

describe("the same seed gives the same files", () => {
  it("for a profile book, and another seed changes them", async () => {
    const fingerprint = (dir: string) =>
      Object.fromEntries(
        readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => {
            const file = path.join(e.parentPath, e.name);
            return [path.relative(dir, file), createHash("sha256").update(readFileSync(file)).digest("hex")];
          }),
      );
    const again = path.join(root, "sparse-again");
    const other = path.join(root, "sparse-other");
    await generateDemoWarehouse({ ...SIZE, profile: "sparse", outDir: again });
    await generateDemoWarehouse({ ...SIZE, seed: 4, profile: "sparse", outDir: other });
    expect(fingerprint(again)).toEqual(fingerprint(dirs.sparse!));
    expect(fingerprint(other)["usage_events.parquet"]).not.toBe(fingerprint(dirs.sparse!)["usage_events.parquet"]);
  }, 60_000);
});

describe("each profile has the property it claims", () => {
  it("sparse: a few purchases per account a month", async () => {
    const [r] = await db.all<{ median: number }>(
      `select median(n)::double as median from (
         select account_id, date_trunc('month', occurred_at), count(*) as n from ${events("sparse")} group by all)`,
    );
    expect(r!.median).toBeGreaterThanOrEqual(1);
    expect(r!.median).toBeLessThanOrEqual(8);
  });

  it("single_user: one contact and one seat per account", async () => {
    const [r] = await db.all<{ most: number; seats: number }>(
      `select (select max(n) from (select account_id, count(*) as n from ${csv("single_user", "contacts")} group by 1))::integer as most,
              (select max(seats_purchased) from ${csv("single_user", "accounts")})::integer as seats`,
    );
    expect(r).toEqual({ most: 1, seats: 1 });
  });

  it("no_roles: no role and no key flag recorded for anyone", async () => {
    const [r] = await db.all<{ contacts: number; roles: number; keys: number }>(
      `select count(*)::integer as contacts, count(role)::integer as roles, count(is_key)::integer as keys
       from read_csv(${literal(path.join(dirs.no_roles!, "contacts.csv"))}, header = true, all_varchar = true)`,
    );
    expect(r!.contacts).toBeGreaterThan(SIZE.accounts);
    expect(r!.roles).toBe(0);
    expect(r!.keys).toBe(0);
  });

  it("sparse and no_roles: help desks that export what real ones do (no ticket type; escalations and first replies)", async () => {
    const header = (id: string) => readFileSync(path.join(dirs[id]!, "support_tickets.csv"), "utf8").split("\n")[0]!.split(",");
    expect(header("sparse")).not.toContain("kind");
    expect(header("no_roles")).toEqual(expect.arrayContaining(["kind", "first_response_at", "escalated_at"]));
    const [r] = await db.all<{ escalated: number; answered: number; tickets: number }>(
      `select count(escalated_at)::integer as escalated, count(first_response_at)::integer as answered, count(*)::integer as tickets
       from ${csv("no_roles", "support_tickets")}`,
    );
    expect(r!.escalated).toBeGreaterThan(0);
    expect(r!.escalated).toBeLessThan(r!.tickets * 0.3);
    expect(r!.answered).toBeGreaterThan(r!.tickets * 0.8);
  });

  it("no_roles: some churned customers come back, recorded in churn_events, and use the product again", async () => {
    const [r] = await db.all<{ episodes: number; returned: number; used_after: number; used_between: number }>(
      `with ev as (select * from ${csv("no_roles", "churn_events")})
       select count(*)::integer as episodes, count(reactivated_at)::integer as returned,
         (select count(distinct e.account_id) from ${events("no_roles")} e join ev using (account_id)
          where ev.reactivated_at is not null and e.occurred_at >= ev.reactivated_at)::integer as used_after,
         (select count(*) from ${events("no_roles")} e join ev using (account_id)
          where e.occurred_at >= ev.churned_at and (ev.reactivated_at is null or e.occurred_at < ev.reactivated_at))::integer as used_between
       from ev`,
    );
    expect(r!.returned).toBeGreaterThan(0);
    expect(r!.returned).toBeLessThan(r!.episodes);
    expect(r!.used_after).toBe(r!.returned);
    expect(r!.used_between).toBe(0);
  });

  it("minimal: only the required tables", () => {
    expect(tablesOf("minimal")).toEqual([...REQUIRED].sort());
    expect(existsSync(path.join(dirs.minimal!, "support_tickets.csv"))).toBe(false);
  });

  it("seasonal: the troughs hit nearly every account", async () => {
    // each account's events per week in the year-end trough against its own median week
    const [r] = await db.all<{ share: number }>(
      `with weekly as (
         select account_id, date_trunc('week', occurred_at) as week, count(*) as n from ${events("seasonal")} group by all
       ), norms as (select account_id, median(n) as typical from weekly group by 1),
       trough as (
         select account_id, avg(n) as n from weekly
         where (month(week) = 12 and day(week) >= 20) or (month(week) = 1 and day(week) <= 1) group by 1
       )
       select avg((t.n < 0.7 * o.typical)::integer)::double as share from trough t join norms o using (account_id)`,
    );
    expect(r!.share).toBeGreaterThan(0.85);
    // the demo's mild season does not do that in another profile
    const [mild] = await db.all<{ share: number }>(
      `with weekly as (
         select account_id, date_trunc('week', occurred_at) as week, count(*) as n from ${events("minimal")} group by all
       ), norms as (select account_id, median(n) as typical from weekly group by 1),
       summer as (select account_id, avg(n) as n from weekly where month(week) = 8 group by 1)
       select avg((t.n < 0.7 * o.typical)::integer)::double as share from summer t join norms o using (account_id)`,
    );
    expect(mild!.share).toBeLessThan(0.3);
  });

  it("low_volume_churn: churners use less per seat than survivors, yet do not decline before leaving", async () => {
    const rows = await db.all<{ churned: boolean; per_seat: number; recent_vs_before: number }>(
      `with a as (select account_id, seats_purchased, churned_at from ${csv("low_volume_churn", "accounts")}),
       e as (
         select e.account_id, a.churned_at is not null as churned, a.seats_purchased,
           date_diff('day', e.occurred_at, coalesce(a.churned_at, timestamp '2026-11-16')) as days_before_end
         from ${events("low_volume_churn")} e join a using (account_id)
       ), per_account as (
         select account_id, churned,
           count(*) filter (where days_before_end < 182) / any_value(seats_purchased) / 26.0 as per_seat,
           (count(*) filter (where days_before_end < 56) / 8.0)
             / nullif(count(*) filter (where days_before_end between 56 and 237) / 26.0, 0) as recent_vs_before
         from e group by all
       )
       select churned, median(per_seat)::double as per_seat, median(recent_vs_before)::double as recent_vs_before
       from per_account group by churned order by churned`,
    );
    const [stay, left] = rows;
    expect(left!.per_seat).toBeLessThan(stay!.per_seat * 0.7);
    // the last eight weeks look like the half-year before them, for churners as for survivors
    expect(left!.recent_vs_before).toBeGreaterThan(0.8);
    expect(Math.abs(left!.recent_vs_before - stay!.recent_vs_before)).toBeLessThan(0.15);
  });
});
