/**
 * The site's loaders outside Framework: one engine run per data+formula, re-run when the formula
 * changes; the browser's what-if recombination reproduces the engine's uncapped score; the
 * portfolio stays compact; account shard files hold every account once, in the shard its id names.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { accountShardLoader, writeAccountShards } from "../../loaders/accounts.ts";
import { PACKED_LISTS, shardCount, shardName, shardOf } from "../../reports/lib/account-link.ts";
import { engineOutputs, withLock } from "../../loaders/engine-outputs.ts";
import { withOutputs, type Outputs } from "../../loaders/lib/outputs.ts";
import {
  ACCOUNT_ROWS,
  ATTENTION_ROWS,
  portfolio,
  portfolioAccounts,
  portfolioSlicesRest,
  type PortfolioAccounts,
  type PortfolioKpis,
  type PortfolioSlices,
} from "../../loaders/portfolio.ts";
import { DEFAULT_FORMULA_FILE } from "../../src/core/paths.ts";
import { decodeFlags, decodeTenths, rowsOf, unpackAccount } from "../../reports/components/data.ts";
import type { DictColumn } from "../../reports/lib/columns.ts";
import { applyCaps, aucLowScoreChurns, recombine } from "../../reports/components/whatif.ts";
import { plainRows, round } from "../../loaders/lib/encode.ts";
import { COHORT_SERIES, cohorts, expansion, restOfExpansion } from "../../loaders/tables.ts";
import { ALERT_CSM_OPTIONS, alerts, olderAlerts, RECENT_ALERT_WEEKS, restOfAlerts, SHORT_ALERT_WEEKS } from "../../loaders/alerts.ts";
import { ALERT_VIEWS, type AlertView, filesNeeded, holdsView, inAlertView } from "../../reports/lib/alert-views.ts";
import { byRank } from "../../reports/lib/listing.ts";
import { LEAD_TIME_PAGE_ROWS, olderChurners, ROC_POINTS, thinRocs, validation, whatif } from "../../loaders/validation.ts";
import { categories } from "../../loaders/categories.ts";
import { outcomesLoader } from "../../loaders/outcomes.ts";
import { HOSTILE_NAME, writeSiteWarehouse } from "../helpers/site-warehouse.ts";
import { tempDir, writeCsvWarehouse } from "../helpers/warehouse.ts";
import { expansionWarehouse } from "../helpers/expansion-warehouse.ts";
import { main } from "../../src/cli/main.ts";

let root: string;
let data: string;
let outputs: string;
type Columns = Record<string, unknown[] | DictColumn>;
const quiet = { info: () => {}, warn: () => {}, step: <T>(_: string, work: () => Promise<T>) => work() };

beforeAll(async () => {
  root = tempDir("site-loaders-");
  data = writeSiteWarehouse(path.join(root, "warehouse"), { accounts: 30, weeks: 26 });
  outputs = await engineOutputs({ env: { HEALTH_DATA: data }, cacheDir: path.join(root, "cache"), log: quiet });
}, 120_000);

describe("engineOutputs", () => {
  it("reuses the run for the same data and formula, and runs again when the formula changes", async () => {
    const cacheDir = path.join(root, "cache");
    const again = await engineOutputs({ env: { HEALTH_DATA: data }, cacheDir, log: quiet });
    expect(again).toBe(outputs);
    const formula = path.join(root, "formula.yaml");
    copyFileSync(DEFAULT_FORMULA_FILE, formula);
    writeFileSync(formula, readFileSync(formula, "utf8").replace("name: Default health formula", "name: Edited formula"));
    const edited = await engineOutputs({ env: { HEALTH_DATA: data, HEALTH_FORMULA: formula }, cacheDir, log: quiet });
    expect(edited).not.toBe(outputs);
    expect(JSON.parse(readFileSync(path.join(edited, "health_summary.json"), "utf8")).formula.name).toBe("Edited formula");
  });

  it("lets one holder of the lock work at a time", async () => {
    const lock = path.join(root, "test.lock");
    const order: string[] = [];
    const slow = (name: string) =>
      withLock(lock, async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 100));
        order.push(`${name} out`);
      });
    await Promise.all([slow("a"), slow("b")]);
    expect([order[0]!.split(" ")[0], order[1]!.split(" ")[0]].sort()).toEqual(order[0]!.startsWith("a") ? ["a", "a"] : ["b", "b"]);
  });
});

describe("risk categories", () => {
  it("sends each week's category quartiles as quantile_cont takes them, with the accounts and mean, read off the history", async () => {
    const page = await withOutputs(outputs, categories);
    // straight from the published history: one category column per formula category, nulls left out
    const expected = await withOutputs(outputs, async (o) => {
      const parts = o.formula.categories.map(
        (c) =>
          `select week_end, '${c.id}' as category_id, "category_${c.id}" as v from account_health_weekly where "category_${c.id}" is not null`,
      );
      return plainRows(
        await o.db.all(
          `select strftime(week_end, '%Y-%m-%d') as week_end, category_id, count(*)::integer as accounts, avg(v) as mean,
                  quantile_cont(v, 0.25) as p25, quantile_cont(v, 0.75) as p75
           from (${parts.join(" union all ")}) group by all order by week_end, category_id`,
        ),
      );
    });
    expect(page.trend.length).toBe(expected.length);
    expect(new Set(page.trend.map((t) => t.p25)).size).toBeGreaterThan(3); // quartiles that vary, not a constant
    for (const [i, e] of expected.entries()) {
      expect(page.trend[i]).toEqual({
        week_end: e.week_end,
        category_id: e.category_id,
        accounts: e.accounts,
        mean: round(e.mean),
        p25: round(e.p25),
        p75: round(e.p75),
      });
    }
  });
});

describe("what-if recombination", () => {
  it("reproduces the engine's uncapped score from the category scores and weights", async () => {
    await withOutputs(outputs, async (o) => {
      const rows = await o.db.all<Record<string, number | null>>("select * from account_health_weekly where score is not null");
      const columns = o.formula.categories.map((c) => Float64Array.from(rows, (r) => r[`category_${c.id}`] ?? NaN));
      const scores = recombine(
        columns,
        o.formula.categories.map((c) => c.weight),
      );
      rows.forEach((r, i) => expect(scores[i]).toBeCloseTo(r.uncapped_score!, 6));
    });
  });

  it("packs the sample so the browser gets the same category scores to a tenth", async () => {
    const packed = await withOutputs(outputs, whatif);
    if (!packed.available) throw new Error("the backtest stage wrote no what-if sample");
    const first = packed.categories[0]!.id;
    const decoded = decodeTenths(packed.scores[first]!);
    await withOutputs(outputs, async (o) => {
      const rows = await o.db.all<Record<string, number | null>>(
        `select "category_${first}" as v, label::integer as label from whatif_sample order by account_id, week_end`,
      );
      expect(rows.length).toBe(packed.rows);
      rows.forEach((r, i) =>
        r.v === null ? expect(decoded[i]).toBeNaN() : expect(Math.abs(decoded[i]! - r.v!)).toBeLessThanOrEqual(0.05 + 1e-9),
      );
      // one label a row, as the sample has them, and both classes present
      expect(Array.from(decodeFlags(packed.label))).toEqual(rows.map((r) => r.label));
      expect(new Set(rows.map((r) => r.label))).toEqual(new Set([0, 1]));
    });
  });

  it("re-scores the sample as the engine did: recombined category scores, capped by the week's cap", async () => {
    const packed = await withOutputs(outputs, whatif);
    if (!packed.available) throw new Error("what-if sample missing");
    const columns = packed.categories.map((c) => decodeTenths(packed.scores[c.id]!));
    const scores = applyCaps(
      recombine(
        columns,
        packed.categories.map((c) => c.weight),
      ),
      decodeTenths(packed.cap),
    );
    const engine = await withOutputs(outputs, (o) =>
      o.db.all<{ score: number }>("select score from whatif_sample order by account_id, week_end"),
    );
    expect(engine.length).toBe(scores.length);
    // category scores and caps travel in tenths: the re-score is off the engine's by at most 0.05
    scores.forEach((s, i) => expect(Math.abs(s - engine[i]!.score)).toBeLessThanOrEqual(0.05 + 1e-9));
  });

  it("computes AUC 1 for a perfect score, 0.5 for a constant one", () => {
    const labels = [1, 1, 0, 0, 0];
    expect(aucLowScoreChurns(Float64Array.from([10, 20, 60, 70, 80]), labels)).toBe(1);
    expect(aucLowScoreChurns(Float64Array.from([50, 50, 50, 50, 50]), labels)).toBe(0.5);
    expect(aucLowScoreChurns(Float64Array.from([90, 80, 10, 20, 30]), labels)).toBe(0);
  });
});

describe("portfolio and account data", () => {
  it("lists current accounts with names as given", async () => {
    const p = await withOutputs(outputs, portfolioAccounts);
    const rows = rowsOf(p.accounts);
    await withOutputs(outputs, async (o) => {
      const current = await o.db.one<{ n: number }>("select count(*)::integer as n from accounts where not is_churned");
      expect(rows.length).toBe(current!.n);
    });
    expect(rows.map((r) => r.name)).toContain(HOSTILE_NAME);
  });

  it("counts the health distribution of every slice from the current accounts' scores, with no list of accounts in portfolio.json", async () => {
    await withOutputs(outputs, async (o) => {
      const p = await portfolio(o);
      expect(Object.keys(p)).not.toContain("accounts");
      const bins = rowsOf(p.distribution) as { dimension: string; slice: string; score_bin: number; tier_id: string; accounts: number }[];
      // worked out here from site_portfolio_accounts, the table's own rows, in plain JS
      const scored = await o.db.all<{ dimension: string; slice: string; score: number; tier_group: string }>(
        `select s.dimension, s.slice, a.score, a.tier_group from site_portfolio_accounts as a join site_account_slices as s using (account_id)
         where a.score is not null and s.dimension in ('all', 'segment', 'plan', 'region', 'csm')`,
      );
      const expected = new Map<string, number>();
      for (const a of scored) {
        const key = `${a.dimension}|${a.slice}|${Math.min(Math.floor((round(a.score, 1) ?? 0) / 5) * 5, 95)}|${a.tier_group}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const got = new Map(bins.map((b) => [`${b.dimension}|${b.slice}|${b.score_bin}|${b.tier_id}`, b.accounts]));
      expect(got).toEqual(expected);
      // each slice's bins add up to its scored accounts; the book's scores spread over several bins and tiers
      for (const k of rowsOf(p.kpis) as PortfolioKpis[]) {
        const sum = bins.filter((b) => b.dimension === k.dimension && b.slice === k.slice).reduce((s, b) => s + b.accounts, 0);
        expect(sum, `${k.dimension} ${k.slice}`).toBe(k.scored_accounts);
      }
      const all = bins.filter((b) => b.dimension === "all");
      expect(new Set(all.map((b) => b.score_bin)).size).toBeGreaterThan(2);
      expect(new Set(all.map((b) => b.tier_id)).size).toBeGreaterThan(1);
    });
  });

  it("holds each dimension's first slices in portfolio.json, most ARR first, the others in the rest file, and the count of each", async () => {
    const cap = 2;
    await withOutputs(outputs, async (o) => {
      const first = await portfolio(o, { sliceRows: cap });
      const rest = await portfolioSlicesRest(o, { sliceRows: cap });
      // every slice, in the order of the page's slice list, worked out here from the key numbers' mart
      const marts = async (model: string) =>
        (await o.db.all<Record<string, unknown>>(`select * from ${model}`)).map((r) => JSON.stringify(r));
      const all = await o.db.all<{ dimension: string; slice: string; arr: number }>(
        "select dimension, slice, arr from site_portfolio_kpis",
      );
      const ordered = (dimension: string) =>
        all
          .filter((k) => k.dimension === dimension)
          .sort((a, b) => b.arr - a.arr || (a.slice < b.slice ? -1 : 1))
          .map((k) => k.slice);
      const slicesOf = (part: PortfolioSlices, dimension: string) =>
        (rowsOf(part.kpis) as PortfolioKpis[]).filter((k) => k.dimension === dimension).map((k) => k.slice);
      const dimensions = [...new Set(all.map((k) => k.dimension))];
      expect(dimensions.filter((d) => ordered(d).length > cap)).toContain("csm");
      for (const dimension of dimensions) {
        expect(slicesOf(first, dimension), dimension).toEqual(ordered(dimension).slice(0, cap));
        expect(slicesOf(rest, dimension), dimension).toEqual(ordered(dimension).slice(cap));
        expect(first.slice_counts[dimension], dimension).toBe(ordered(dimension).length);
      }
      expect(first.slice_rows).toBe(cap);
      // each part's tier and distribution rows are its own slices' rows; together the marts' rows, none twice
      const key = (r: Record<string, unknown>) => `${r.dimension}|${r.slice}`;
      for (const part of [first, rest]) {
        const own = new Set((rowsOf(part.kpis) as PortfolioKpis[]).map(key));
        for (const list of [part.tiers, part.distribution]) for (const row of rowsOf(list)) expect(own.has(key(row)), key(row)).toBe(true);
      }
      const rows = (list: Record<string, unknown>[]) => list.map((r) => JSON.stringify(r));
      for (const [name, model] of [
        ["tiers", "site_portfolio_tiers"],
        ["distribution", "site_portfolio_distribution"],
      ] as const) {
        const union = [...rows(rowsOf(first[name])), ...rows(rowsOf(rest[name]))];
        expect(new Set(union).size, name).toBe(union.length);
        // the loader rounds money to whole units and the marts' sums here are of whole ARR: the same rows
        expect(union.sort(), name).toEqual((await marts(model)).sort());
      }
      // on a book whose slices all fit, the rest file is empty
      expect(rowsOf((await portfolioSlicesRest(o)).kpis)).toEqual([]);
    });
  });

  it("holds the accounts table's first rows, largest ARR first, the others in the rest file, and the count of all", async () => {
    const cap = 7;
    const ids = (part: PortfolioAccounts) => part.accounts.id;
    const first = await withOutputs(outputs, (o) => portfolioAccounts(o, { accountRows: cap }));
    const rest = await withOutputs(outputs, (o) => portfolioAccounts(o, { part: "rest", accountRows: cap }));
    const whole = await withOutputs(outputs, portfolioAccounts);
    const expected = await withOutputs(outputs, (o) =>
      o.db.all<{ account_id: string }>("select account_id from accounts where not is_churned order by arr desc, account_id"),
    );
    expect(expected.length).toBeGreaterThan(cap);
    expect(expected.length).toBeLessThanOrEqual(ACCOUNT_ROWS);
    expect(ids(first)).toEqual(expected.slice(0, cap).map((r) => r.account_id));
    expect(ids(rest)).toEqual(expected.slice(cap).map((r) => r.account_id));
    for (const part of [first, rest, whole]) expect(part.total).toBe(expected.length);
    // the two parts are the whole table, row for row; a book under the cap has it all in the first file
    expect([...rowsOf(first.accounts), ...rowsOf(rest.accounts)]).toEqual(rowsOf(whole.accounts));
    expect(ids(whole)).toHaveLength(expected.length);
    expect(ids(await withOutputs(outputs, (o) => portfolioAccounts(o, { part: "rest" })))).toEqual([]);
  });

  it("lists each account that needs attention once, in the stated order, with its most severe open alert's reason and playbook", async () => {
    const p = await withOutputs(outputs, portfolio);
    if (!p.attention) throw new Error("no attention list: the run wrote no alerts");
    const rows = p.attention.rows;
    await withOutputs(outputs, async (o) => {
      const open = await o.db.all<{
        account_id: string;
        kind: string;
        severity: string;
        reason: string;
        playbook: string;
        raised_week_end: Date;
      }>(
        "select l.account_id, l.kind, l.severity, l.reason, l.playbook, l.raised_week_end from alerts as l join accounts as a using (account_id) where l.is_open and not a.is_churned",
      );
      const accounts = new Set(open.map((r) => r.account_id));
      expect(accounts.size).toBeGreaterThan(1);
      expect(p.attention!.total).toBe(accounts.size);
      expect(rows.length).toBe(Math.min(accounts.size, ATTENTION_ROWS));
      for (const row of rows) expect(accounts.has(row.account_id)).toBe(true);
      expect(new Set(rows.map((r) => r.account_id)).size).toBe(rows.length);
      const severity = (s: string) => ["high", "medium", "low"].indexOf(s);
      for (const row of rows) {
        const mine = open
          .filter((r) => r.account_id === row.account_id)
          .sort(
            (a, b) =>
              severity(a.severity) - severity(b.severity) ||
              b.raised_week_end.getTime() - a.raised_week_end.getTime() ||
              (a.kind < b.kind ? -1 : 1),
          );
        expect(row.open_alerts).toBe(mine.length);
        expect([row.reason, row.playbook]).toEqual([mine[0]!.reason, mine[0]!.playbook]);
        expect(row.other_reasons).toEqual(mine.slice(1).map((r) => r.reason.split("; ")[0]));
        expect(row.owner ?? "").not.toMatch(/@/);
        // ARR at stake = ARR x (100 - score) / 100 (the score travels in tenths: within 0.05 points' worth)
        expect(Math.abs(row.arr_at_stake - (row.arr * (100 - (row.score ?? 0))) / 100)).toBeLessThanOrEqual(1 + row.arr * 0.0005);
      }
    });
    // renewals due first, then ARR at stake, largest first
    rows.forEach((r, i) => expect(r.attention_rank).toBe(i + 1));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(Number(a.is_renewal_due) >= Number(b.is_renewal_due), `${a.account_id} before ${b.account_id}`).toBe(true);
      if (a.is_renewal_due === b.is_renewal_due) expect(a.arr_at_stake).toBeGreaterThanOrEqual(b.arr_at_stake);
    }
  });

  it("puts every account in the shard file its id names, once, never an e-mail address", async () => {
    const shards = shardCount(30);
    expect(shards).toBeGreaterThan(1);
    const seen: string[] = [];
    for (let i = 0; i < shards; i++) {
      const text = await accountShardLoader(outputs, shardName(i));
      expect(text).not.toMatch(/@customer\.example/);
      for (const id of Object.keys(JSON.parse(text))) {
        expect(shardOf(id, shards), id).toBe(shardName(i));
        seen.push(id);
      }
    }
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `A${String(i + 1).padStart(4, "0")}`));
    expect(readdirSync(path.join(outputs, "site_accounts"))).toContain(`${shardName(0)}.json`);
    await expect(accountShardLoader(outputs, shardName(shards))).rejects.toThrow(/no account shard/);
    await expect(accountShardLoader(outputs, "../x")).rejects.toThrow(/bad account shard/);
  });

  it("puts each account's interventions on its page, names as given and e-mail addresses withheld", async () => {
    const page = async (id: string) =>
      unpackAccount(JSON.parse(await accountShardLoader(outputs, shardOf(id, shardCount(30))))[id], PACKED_LISTS);
    const hostile = await page("A0003");
    expect(hostile.interventions.map((i: Record<string, unknown>) => [i.intervention_id, i.kind, i.owner])).toEqual([
      ["A0003-I1", HOSTILE_NAME, HOSTILE_NAME],
      ["A0003-I2", "follow-up", "Dana Ortiz <(address withheld)>"],
    ]);
    expect(hostile.interventions[1]).toMatchObject({ completed: null, outcome: null });
    expect((await page("A0001")).interventions).toEqual([]); // a healthy account: none recorded, and the page says so
    const outcomes = JSON.parse(await outcomesLoader(outputs));
    expect(outcomes.available).toBe(true);
    expect(outcomes.save_rates.map((r: { response: string }) => r.response)).toEqual(["proactive", "reactive", "none"]);
    expect(outcomes.interventions).toBe(14); // 12 declining or churned accounts, two at the hostile one
  });

  it("builds the same account shards in passes of a few accounts as in one pass", async () => {
    const read = (folder: string) => {
      const files = new Map<string, string>();
      for (const shard of readdirSync(folder)
        .filter((f) => f.endsWith(".json"))
        .sort()) {
        for (const [id, page] of Object.entries(JSON.parse(readFileSync(path.join(folder, shard), "utf8"))))
          files.set(`${shard}/${id}`, JSON.stringify(page));
      }
      return files;
    };
    const whole = read(await writeAccountShards(outputs, { folder: path.join(root, "pages-whole"), accountsPerPass: 1000 }));
    const passes = read(await writeAccountShards(outputs, { folder: path.join(root, "pages-passes"), accountsPerPass: 7 }));
    expect(whole.size).toBe(30);
    expect([...passes.keys()].sort()).toEqual([...whole.keys()].sort());
    for (const [name, json] of whole) expect(passes.get(name), name).toBe(json);
  });

  it("sends the cohorts page every cohort's latest week and the weekly series of each dimension's largest cohorts", async () => {
    const listing = await withOutputs(outputs, cohorts);
    if (!listing.available) throw new Error("no cohorts output");
    const latest = rowsOf(listing.latest);
    const series = rowsOf(listing.series);
    await withOutputs(outputs, async (o) => {
      const expected = await o.db.all<{ dimension: string; n: number }>(
        "select dimension, count(distinct cohort)::integer as n from cohorts group by dimension order by dimension",
      );
      for (const { dimension, n } of expected) {
        expect(latest.filter((r) => r.dimension === dimension).length, dimension).toBe(n);
        expect(listing.counts[dimension]).toEqual({ cohorts: n, charted: Math.min(n, COHORT_SERIES) });
        const charted = new Set(series.filter((r) => r.dimension === dimension).map((r) => r.cohort));
        expect(charted.size, dimension).toBe(Math.min(n, COHORT_SERIES));
      }
      // a charted cohort's series has every week the cohorts output has for it
      const first = series[0]!;
      const weeks = await o.db.one<{ n: number }>("select count(*)::integer as n from cohorts where dimension = $d and cohort = $c", {
        d: String(first.dimension),
        c: String(first.cohort),
      });
      expect(series.filter((r) => r.dimension === first.dimension && r.cohort === first.cohort).length).toBe(weeks!.n);
    });
  });

  it("caps the what-if sample at whole accounts, and thins long ROC curves keeping their ends", async () => {
    const full = await withOutputs(outputs, (o) => whatif(o));
    const capped = await withOutputs(outputs, (o) => whatif(o, 60));
    if (!full.available || !capped.available) throw new Error("no what-if sample");
    expect(full.rows).toBeGreaterThan(60);
    expect(capped.rows).toBeLessThanOrEqual(60);
    expect(capped.rows).toBeGreaterThan(0);
    const curve = Array.from({ length: 1001 }, (_, i) => ({ fpr: i / 1000, tpr: Math.sqrt(i / 1000), threshold: i }));
    const thinned = thinRocs({ overall: { roc: curve, auc: 0.7 }, segments: [{ roc: curve.slice(0, 10) }] }) as {
      overall: { roc: typeof curve; auc: number };
      segments: { roc: typeof curve }[];
    };
    expect(thinned.overall.roc.length).toBe(ROC_POINTS);
    expect(thinned.overall.roc[0]).toEqual(curve[0]);
    expect(thinned.overall.roc.at(-1)).toEqual(curve.at(-1));
    expect(thinned.overall.auc).toBe(0.7);
    expect(thinned.segments[0]!.roc).toEqual(curve.slice(0, 10));
  });

  it("sends Validation the most recent churned accounts up to its cap with the count of all, the others in a file of their own", async () => {
    await withOutputs(outputs, async (o) => {
      const published = plainRows(
        await o.db.all("select l.* exclude (formula_hash), a.account_name from lead_times as l left join accounts as a using (account_id)"),
      );
      const cap = 3;
      expect(published.length).toBeGreaterThan(cap + 1);
      const page = await validation(o, cap);
      const older = await olderChurners(o, cap);
      if (!page.available || !page.lead_times || !older.available) throw new Error("no lead times");
      const pageRows = rowsOf(page.lead_times.columns);
      const olderRows = rowsOf(older.columns);
      expect(page.lead_times.total).toBe(published.length);
      expect(pageRows.length).toBe(cap);
      expect(olderRows.length).toBe(published.length - cap);
      // together, in the table's order (latest churn first, then by id): every churn once, as published
      const key = (r: Record<string, unknown>) => `${r.account_id}|${r.churned_at}`;
      const byOrder = (a: Record<string, unknown>, b: Record<string, unknown>) =>
        String(b.churned_at).localeCompare(String(a.churned_at)) || (String(a.account_id) < String(b.account_id) ? -1 : 1);
      expect([...pageRows, ...olderRows]).toEqual([...published].sort(byOrder));
      expect(new Set([...pageRows, ...olderRows].map(key)).size).toBe(published.length);
      expect(pageRows.every((r) => typeof r.account_name === "string" && r.account_name !== "")).toBe(true);
      // a book that fits under the page's cap sends them all with the page, and an empty older file
      const whole = await validation(o);
      const none = await olderChurners(o);
      if (!whole.available || !whole.lead_times || !none.available) throw new Error("no lead times");
      expect(published.length).toBeLessThan(LEAD_TIME_PAGE_ROWS);
      expect(rowsOf(whole.lead_times.columns)).toEqual([...published].sort(byOrder));
      expect(rowsOf(none.columns)).toEqual([]);
    });
  });

  it("sends alerts and expansion as columns that decode to the published rows", async () => {
    // every file of each list: the page's own and those fetched on demand
    const parts = async (...builds: ((o: Outputs) => Promise<{ available: false } | { available: true; columns: Columns }>)[]) => {
      const rows: Record<string, unknown>[] = [];
      for (const build of builds) {
        const listing = await withOutputs(outputs, build);
        if (!listing.available) throw new Error("no listing");
        rows.push(...rowsOf(listing.columns));
      }
      return rows;
    };
    for (const [name, rows, key] of [
      [
        "alerts",
        await parts(
          (o) => alerts(o),
          (o) => restOfAlerts(o),
          olderAlerts,
        ),
        (r: Record<string, unknown>) => `${r.account_id}|${r.kind}|${r.raised_week_end}`,
      ],
      [
        "expansion",
        await parts(
          (o) => expansion(o),
          (o) => restOfExpansion(o),
        ),
        (r: Record<string, unknown>) => String(r.account_id),
      ],
    ] as const) {
      expect(rows.length, name).toBeGreaterThan(0);
      await withOutputs(outputs, async (o) => {
        const published = plainRows(await o.db.all(`select * exclude (formula_hash) from ${name}`));
        const byKey = new Map(published.map((r) => [key(r), r]));
        // the listing's columns as published (alerts: the table's columns only, and its place in the table)
        for (const { rank, ...row } of rows) {
          const full = byKey.get(key(row))!;
          expect(row).toEqual(Object.fromEntries(Object.keys(row).map((k) => [k, full[k]])));
          if (name === "alerts") expect(rank).toEqual(expect.any(Number));
        }
      });
    }
  });

  /** Every alert the page offers (open, or raised in the recent weeks) in the table's order, from the alerts output itself. */
  const offeredAlerts = () =>
    withOutputs(outputs, (o) =>
      o.db.all<{ key: string; is_open: boolean; is_short: boolean; csm_owner: string | null; kind: string }>(
        `select account_id || '|' || kind || '|' || strftime(raised_week_end, '%Y-%m-%d') as key, is_open, csm_owner, kind,
                raised_week_end > (select max(week_end) from account_health_weekly) - $short::integer as is_short
         from alerts
         where is_open or raised_week_end > (select max(week_end) from account_health_weekly) - $days::integer
         order by raised_week_end desc, case severity when 'high' then 0 when 'medium' then 1 else 2 end, arr desc, account_id, kind`,
        { days: RECENT_ALERT_WEEKS * 7, short: SHORT_ALERT_WEEKS * 7 },
      ),
    );
  const alertKey = (r: Record<string, unknown>) => `${r.account_id}|${r.kind}|${r.raised_week_end}`;

  it("sends the alerts page the first rows of its table (the open alerts first) and every view's true count, the rest in two files of their own", async () => {
    const offered = await offeredAlerts();
    const open = offered.filter((r) => r.is_open);
    const closedShort = offered.filter((r) => !r.is_open && r.is_short);
    const closedOlder = offered.filter((r) => !r.is_open && !r.is_short);
    // the small book has open alerts and closed ones in both spans, so each cap below cuts where it says
    expect(open.length).toBeGreaterThan(4);
    expect(closedShort.length).toBeGreaterThan(0);
    expect(closedOlder.length).toBeGreaterThan(0);
    // a cap inside the open alerts, one inside the short span's closed ones, one over everything
    for (const cap of [3, open.length + 1, offered.length + 10]) {
      const page = await withOutputs(outputs, (o) => alerts(o, { rows: cap }));
      const rest = await withOutputs(outputs, (o) => restOfAlerts(o, { rows: cap }));
      const older = await withOutputs(outputs, olderAlerts);
      if (!page.available || !rest.available || !older.available) throw new Error("no alerts output");
      const pageRows = rowsOf(page.columns);
      const restRows = rowsOf(rest.columns);
      const olderRows = rowsOf(older.columns);
      const front = [...open, ...closedShort].map((r) => r.key);
      // the page: exactly the first `cap` of the open alerts then of the short span's closed ones, in the table's order
      const inOrder = (keys: string[]) => offered.map((r) => r.key).filter((k) => keys.includes(k));
      expect(pageRows.map(alertKey), `cap ${cap}`).toEqual(inOrder(front.slice(0, cap)));
      expect(pageRows.filter((r) => r.is_open).map(alertKey)).toEqual(open.slice(0, cap).map((r) => r.key));
      expect(restRows.map(alertKey)).toEqual(inOrder(front.slice(cap)));
      expect(olderRows.map(alertKey)).toEqual(closedOlder.map((r) => r.key));
      // together: every alert offered, once, and by rank in the table's order
      const all = byRank([pageRows, restRows, olderRows]);
      expect(all.map(alertKey)).toEqual(offered.map((r) => r.key));
      expect(all.map((r) => r.rank)).toEqual(offered.map((_, i) => i + 1));
      // the counts are every view's, whatever the cap, and the page's own view rule finds as many
      expect(page.counts.open).toBe(open.length);
      expect(page.counts.recent).toBe(offered.length);
      for (const v of ALERT_VIEWS) expect(all.filter((r) => inAlertView(v, r, page.recent)).length, v).toBe(page.counts[v]);
      expect(page.counts.this_week).toBeGreaterThan(0);
      // what the page fetches: nothing for the open alerts unfiltered; the rest for a filter the page's rows cannot answer
      expect(holdsView(pageRows, "open", page.counts, page.recent)).toBe(cap >= open.length);
      const needs = (v: AlertView, narrowed = false) => filesNeeded(v, { narrowed, all: false }, pageRows, page.counts, page.recent);
      expect(needs("open")).toEqual([]);
      expect(needs("open", true)).toEqual(cap >= open.length ? [] : ["rest"]);
      expect(needs("short")).toEqual(cap >= front.length ? [] : ["rest"]);
      expect(needs("recent")).toEqual(cap >= front.length ? ["older"] : ["rest", "older"]);
      expect(holdsView(byRank([pageRows, restRows]), "short", page.counts, page.recent)).toBe(true);
    }
  });

  it("gives the alerts page's selects every kind and severity offered, and the CSMs with the most alerts", async () => {
    const offered = await offeredAlerts();
    const page = await withOutputs(outputs, (o) => alerts(o, { rows: 3 }));
    if (!page.available) throw new Error("no alerts output");
    expect(page.kinds).toEqual([...new Set(offered.map((r) => r.kind))].sort());
    expect(["high", "medium", "low"].filter((s) => page.severities.includes(s))).toEqual(page.severities);
    const perCsm = new Map<string, number>();
    for (const r of offered) if (r.csm_owner !== null) perCsm.set(r.csm_owner, (perCsm.get(r.csm_owner) ?? 0) + 1);
    expect(page.csm_count).toBe(perCsm.size);
    expect(perCsm.size).toBeGreaterThan(2);
    expect(perCsm.size).toBeLessThanOrEqual(ALERT_CSM_OPTIONS);
    expect(page.csms).toEqual([...perCsm.keys()].sort());
    // capped: the two with the most alerts (ties by name), listed by name
    const two = await withOutputs(outputs, (o) => alerts(o, { rows: 3, csms: 2 }));
    if (!two.available) throw new Error("no alerts output");
    const top = [...perCsm].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1)).slice(0, 2);
    expect(two.csms).toEqual(top.map(([name]) => name).sort());
    expect(two.csm_count).toBe(perCsm.size);
    // the chart's counts cover every alert raised in the recent weeks, in the page's file or not
    expect(rowsOf(page.per_week).reduce((s, r) => s + Number(r.alerts), 0)).toBe(
      offered.filter((r) => r.key.split("|")[2]! > page.recent.since!).length,
    );
    // no account-page-only columns
    expect(Object.keys(page.columns)).not.toContain("drivers");
  });

  it("sends the expansion page its first opportunities by rank and the count of all, the rest in a file of its own", async () => {
    // the site's small book has one opportunity: the expansion warehouse has several
    const out = path.join(root, "expansion-out");
    const data = writeCsvWarehouse(path.join(root, "expansion-data"), expansionWarehouse());
    expect(await main(["expansion", "--data", data, "--out", out, "-q"], { stdout: () => {}, stderr: () => {} })).toBe(0);
    const ranked = await withOutputs(out, (o) =>
      o.db.all<{ account_id: string }>("select account_id from expansion order by rank, account_id"),
    );
    expect(ranked.length).toBeGreaterThan(3);
    for (const cap of [2, ranked.length, ranked.length + 5]) {
      const page = await withOutputs(out, (o) => expansion(o, cap));
      const rest = await withOutputs(out, (o) => restOfExpansion(o, cap));
      if (!page.available || !rest.available) throw new Error("no expansion output");
      const ids = (columns: Columns) => rowsOf(columns).map((r) => r.account_id);
      expect(ids(page.columns), `cap ${cap}`).toEqual(ranked.slice(0, cap).map((r) => r.account_id));
      expect(page.total).toBe(ranked.length);
      // page then rest: the whole ranked list, once
      expect([...ids(page.columns), ...ids(rest.columns)]).toEqual(ranked.map((r) => r.account_id));
    }
  }, 60_000);
});
