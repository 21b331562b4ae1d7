/**
 * The model graph's generic tests, as dbt runs them: the whole graph is built on small test
 * warehouses (every stage of the main job, then the models no stage of it builds), and every
 * model's declared key is unique and not null, every staging view's too, and every account a
 * model names is an account of the book. A planted duplicate, null key or unknown account is
 * reported, so the checks are known to bite.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/db/duckdb.ts";
import { checkAccounts, checkKey } from "../../src/sql/checks.ts";
import { buildWholeGraph, type GraphBuild } from "../../src/sql/catalogue.ts";
import { buildModel, model, modelGraph, order, parseModel, stageModels } from "../../src/sql/graph.ts";
import { ALERT_EXPORT, alertWarehouse } from "../helpers/alert-warehouse.ts";
import { BACKTEST_EXPORT, backtestWarehouse } from "../helpers/backtest-warehouse.ts";
import { defaultFormulaInput, formulaFrom } from "../helpers/health.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const formula = formulaFrom(defaultFormulaInput());
const built = () => [...modelGraph().values()].filter((m) => m.kind === "model" || m.kind === "staging");

describe("every model of src/sql declares itself", () => {
  it("a grain, and a key for each model and staging view; every file is known to the runner", () => {
    const graph = [...modelGraph().values()];
    expect(graph.length).toBeGreaterThan(90);
    for (const m of graph.filter((x) => x.kind !== "macros")) expect(m.grain, `src/sql/${m.file}: "-- grain:"`).not.toBe("");
    for (const m of built()) expect(m.key.length, `src/sql/${m.file}: "-- key:"`).toBeGreaterThan(0);
  });

  it("inputs are read from FROM and JOIN, without CTEs, strings, comments or parameters", () => {
    const m = parseModel(
      "scoring/x.sql",
      `-- grain: account\n-- key: account_id\n-- x: reads from accounts in a comment\nwith int_calendar as (select 1)\nselect 'from stg_contacts' as s, $from as f\nfrom int_calendar join int_health_scores as h using (week_start)\nleft join (select * from stg_accounts) as a on true, unnest([1]) as u`,
    );
    expect(m.inputs.sort()).toEqual(["int_health_scores", "stg_accounts"]);
    expect(m.params).toEqual(["from"]);
  });

  it("builds a model whose header says `materialized: view` as a view, over a table of the same name too, and refuses another value", async () => {
    const sql = (materialized: string) =>
      `-- grain: account\n-- key: account_id\n-- materialized: ${materialized}\n-- x: doubled\nselect account_id, n * 2 as n from base`;
    const view = parseModel("scoring/x.sql", sql("view"));
    expect(view.materialized).toBe("view");
    expect(parseModel("scoring/x.sql", "-- grain: account\n-- key: account_id\nselect 1").materialized).toBe("table");
    expect(() => parseModel("scoring/x.sql", sql("ephemeral"))).toThrow(/materialized "ephemeral": expected table or view/);
    const db = await Database.open();
    try {
      await db.run("create table base as select * from (values ('A1', 1), ('A2', 2)) v(account_id, n)");
      // an earlier build left a table: the view replaces it, and reads what the base holds now
      await db.run("create table x as select 'old' as account_id, 0 as n");
      await buildModel(db, view);
      await db.run("insert into base values ('A3', 3)");
      expect(await db.all("select * from x order by account_id")).toEqual([
        { account_id: "A1", n: 2 },
        { account_id: "A2", n: 4 },
        { account_id: "A3", n: 6 },
      ]);
      expect(await db.all("select view_name from duckdb_views() where view_name = 'x'")).toEqual([{ view_name: "x" }]);
      // and back to a table
      await buildModel(db, parseModel("scoring/x.sql", sql("table")));
      expect(await db.all("select table_name from duckdb_tables() where table_name = 'x'")).toEqual([{ table_name: "x" }]);
      // the engine's view: the ranked values are never stored; the formula's inputs, read from them, are
      expect(model("int_measure_ranked").materialized).toBe("view");
      expect(model("int_measure_inputs").materialized).toBe("table");
    } finally {
      db.close();
    }
  });

  it("with HEALTH_PROFILE_MODELS writes each build's DuckDB profile, one file per build, and profiles nothing after it", async () => {
    const dir = path.join(tempDir(), "profiles");
    const m = parseModel(
      "scoring/x.sql",
      "-- grain: account\n-- key: account_id\nselect account_id, sum(n) as n from base group by account_id",
    );
    const db = await Database.open();
    const before = process.env.HEALTH_PROFILE_MODELS;
    process.env.HEALTH_PROFILE_MODELS = dir;
    try {
      await db.run("create table base as select 'A' || (i % 7) as account_id, i as n from range(1000) t(i)");
      await buildModel(db, m);
      await buildModel(db, m); // a model built per account batch: the second build's own file
      delete process.env.HEALTH_PROFILE_MODELS;
      await buildModel(db, m, {}, "y");
      expect(readdirSync(dir).sort()).toEqual(["x-2.json", "x.json"]);
      // the profile is of this build: its aggregate over the 1,000 rows, 7 groups out
      const operators: { operator_name?: string; operator_cardinality?: number }[] = [];
      const walk = (n: { children?: unknown[] } & (typeof operators)[number]) => {
        operators.push(n);
        for (const c of n.children ?? []) walk(c as typeof n);
      };
      walk(JSON.parse(readFileSync(path.join(dir, "x.json"), "utf8")));
      const groupBy = operators.find((o) => o.operator_name?.includes("GROUP_BY"));
      expect(groupBy?.operator_cardinality).toBe(7);
      expect(await db.one("select count(*)::integer as n from y")).toEqual({ n: 7 });
    } finally {
      if (before === undefined) delete process.env.HEALTH_PROFILE_MODELS;
      else process.env.HEALTH_PROFILE_MODELS = before;
      db.close();
    }
  });

  it("orders a stage by what its models read: the engine's scores after their inputs", () => {
    const names = order(stageModels("score")).map((m) => m.name);
    for (const m of stageModels("score")) {
      for (const input of m.inputs.filter((i) => names.includes(i)))
        expect(names.indexOf(input), `${input} before ${m.name}`).toBeLessThan(names.indexOf(m.name));
    }
    expect(names.indexOf("int_measure_values")).toBeLessThan(names.indexOf("int_measure_book_weekly"));
    expect(model("int_measure_values").inputs).toContain("measures_adoption");
  });
});

async function buildOn(dir: string, contactsPerBatch?: number): Promise<{ db: Database; build: GraphBuild }> {
  const db = await Database.open();
  const build = await buildWholeGraph(db, dir, formula, contactsPerBatch ? { contactsPerBatch } : {});
  return { db, build };
}

/** Every generic problem of the built graph in `db`. */
async function problems(db: Database): Promise<string[]> {
  const out: string[] = [];
  for (const m of built()) {
    out.push(...(await checkKey(db, m)));
    if (m.kind === "model" && m.name !== "accounts") out.push(...(await checkAccounts(db, m.name)));
  }
  return out;
}

describe.each([
  ["the tiny warehouse", () => writeCsvWarehouse(path.join(tempDir(), "tiny"), tinyWarehouse()), undefined],
  ["the alerts warehouse, in account batches", () => writeCsvWarehouse(path.join(tempDir(), "alerts"), alertWarehouse(), ALERT_EXPORT), 3],
  ["the backtest warehouse", () => writeCsvWarehouse(path.join(tempDir(), "backtest"), backtestWarehouse(), BACKTEST_EXPORT), undefined],
])("the whole graph built on %s", (_, warehouse, contactsPerBatch) => {
  let db: Database;
  let build: GraphBuild;
  beforeAll(async () => {
    ({ db, build } = await buildOn(warehouse(), contactsPerBatch));
  }, 600_000);
  afterAll(() => db?.close());

  it("holds every model, with rows in the main ones", async () => {
    const relations = new Set(
      (await db.all<{ name: string }>("select table_name as name from information_schema.tables")).map((r) => r.name),
    );
    for (const m of built()) expect(relations.has(m.name), m.name).toBe(true);
    for (const name of ["account_health_weekly", "accounts", "int_measure_values", "backtest_weeks"]) {
      expect((await db.one<{ n: number }>(`select count(*)::integer as n from ${name}`))!.n, name).toBeGreaterThan(0);
    }
    expect(build.outputs.map((o) => o.file)).toContain("alerts.csv");
    if (contactsPerBatch) expect(build.batches).toBeGreaterThan(1);
  });

  it("every model's key is unique and not null, and every account a model names exists", async () => {
    expect(await problems(db)).toEqual([]);
  });
});

describe("the generic checks report what is planted", () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await buildOn(writeCsvWarehouse(path.join(tempDir(), "planted"), tinyWarehouse())));
  }, 600_000);
  afterAll(() => db?.close());

  const check = (name: string) => checkKey(db, model(name));

  it("a duplicate account-week in account_health_weekly", async () => {
    expect(await check("account_health_weekly")).toEqual([]);
    await db.run(
      "create table planted_health as select * from account_health_weekly union all (select * from account_health_weekly order by account_id, week_start limit 1)",
    );
    expect(await checkKey(db, model("account_health_weekly"), "planted_health")).toEqual([
      expect.stringMatching(
        /^planted_health: 1 duplicate key value\(s\) of \(account_id, week_start\) over 2 rows, e\.g\. \(ACME, 20\d\d-\d\d-\d\d\) \(src\/sql\/scoring\/account_health_weekly\.sql\)$/,
      ),
    ]);
  });

  it("a null key column, and a duplicate in a model with a composite key", async () => {
    await db.run("insert into int_measure_values select null, week_start, measure_id, raw_value from int_measure_values limit 1");
    await db.run("insert into int_measure_values select * from int_measure_values where account_id is not null limit 2");
    const found = await check("int_measure_values");
    expect(found).toEqual([
      "int_measure_values: 1 row(s) with a null account_id, a key column (src/sql/scoring/int_measure_values.sql)",
      expect.stringMatching(/^int_measure_values: 2 duplicate key value\(s\) of \(account_id, week_start, measure_id\) over 4 rows/),
    ]);
  });

  it("a nullable key part: one null contact_id per account-week is a key value, two are a duplicate", async () => {
    expect(await check("int_usage_weekly")).toEqual([]);
    await db.run(
      "insert into int_usage_weekly select * replace (null::varchar as contact_id) from int_usage_weekly where contact_id is not null limit 1",
    );
    await db.run(
      "insert into int_usage_weekly select * replace (null::varchar as contact_id) from int_usage_weekly where contact_id is not null limit 1",
    );
    expect(await check("int_usage_weekly")).toEqual([
      expect.stringMatching(/^int_usage_weekly: 1 duplicate key value\(s\) of \(account_id, contact_id, week_start\)/),
    ]);
  });

  it("an alert of an account the book does not have", async () => {
    expect(await checkAccounts(db, "alerts")).toEqual([]);
    await db.run("insert into alerts select * replace ('NOBODY' as account_id) from alerts limit 1");
    expect((await db.one<{ n: number }>("select count(*)::integer as n from alerts where account_id = 'NOBODY'"))!.n).toBe(1);
    expect(await checkAccounts(db, "alerts")).toEqual(['alerts: 1 row(s) name an account that accounts does not have, e.g. "NOBODY"']);
  });

  it("a relation of one row that has two", async () => {
    expect(await check("int_ticket_recording")).toEqual([]);
    await db.run("insert into int_ticket_recording select * from int_ticket_recording");
    expect(await check("int_ticket_recording")).toEqual([
      "int_ticket_recording: 2 rows, but its key says one row (src/sql/intermediate/int_ticket_recording.sql)",
    ]);
  });
});
