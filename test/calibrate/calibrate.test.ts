/**
 * `health calibrate` end to end on a generated book: what it writes and prints, that the formula it
 * writes loads and says where its numbers came from, that nothing after the split changes it, and
 * exit 3 with the reason when no split is usable.
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CalibrateReport } from "../../src/calibrate/calibrate.ts";
import { main } from "../../src/cli/main.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { loadFormula } from "../../src/formula/load.ts";
import { generateDemoWarehouse } from "../../src/generate/demo-warehouse.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

const root = tempDir();
const book = path.join(root, "book");
const SPLIT = "2026-02-02";

async function health(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([...args, "-q"], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const reportOf = (out: string) => JSON.parse(readFileSync(path.join(out, "calibrate.json"), "utf8")) as CalibrateReport;

beforeAll(async () => {
  await generateDemoWarehouse({ accounts: 400, seed: 7, outDir: book });
}, 600_000);

describe("health calibrate on a generated book", () => {
  const out = path.join(root, "out");
  let run: { code: number; out: string; err: string };
  let report: CalibrateReport;
  beforeAll(async () => {
    run = await health("calibrate", "--data", book, "--out", out, "--split", SPLIT, "--min-churned", "10");
    if (run.code === 0) report = reportOf(out);
  }, 900_000);

  it("writes the calibrated formula, its diff and the report, and prints the comparison", () => {
    expect(run.err).not.toMatch(/unexpected failure|error/i);
    expect(run.code).toBe(0);
    for (const file of ["calibrate.json", "calibrated-formula.yaml", "calibrated-formula.diff"])
      expect(existsSync(path.join(out, file))).toBe(true);
    expect(run.out).toMatch(/^Calibrating "Default health formula"/);
    // an at-risk band with later weeks in it ("-" when it has none): on this small book (24 churned
    // accounts in the fit period) the band must hold churned weeks of at least 5 accounts
    expect(run.out).toMatch(/\ncalibrated\s+0\.\d{3}\s+0\.\d{3}\s+\d+\.\d\dx\s/);
    expect(report.evaluation.calibrated.at_risk!.flagged).toBeGreaterThan(0);
    expect(report.fit.cutoffs.lift_rule).toMatch(/churned weeks of at least 5 accounts/);
    expect(run.out).toMatch(/\nfitted peer\s+0\.\d{3}/);
    expect(run.out).toMatch(/\n(Adopt|Keep the current formula): /);
    expect(readFileSync(path.join(out, "calibrated-formula.diff"), "utf8")).toMatch(
      /^--- a\/default-formula\.yaml\n\+\+\+ b\/calibrated-formula\.yaml\n@@ /,
    );
  });

  it("writes a formula that loads, whose weights, points and tiers are the report's", () => {
    const loaded = loadFormula(path.join(out, "calibrated-formula.yaml"));
    expect(loaded.hash).toBe(report.calibrated.hash);
    if (report.fit.candidate.chosen === "current") {
      // only the tiers were refitted: the current formula's categories, as they are
      expect(loaded.formula.categories).toEqual(loadFormula("src/formula/default-formula.yaml").formula.categories);
      return;
    }
    const kept = report.measures.filter((m) => m.kept);
    expect(kept.length).toBeGreaterThan(2);
    const uses = loaded.formula.categories.flatMap((c) => c.measures.map((m) => ({ ...m, category: c.id, categoryWeight: c.weight })));
    expect(uses.map((u) => u.measure).sort()).toEqual(kept.map((m) => m.measure).sort());
    const chosen = report.fit.candidate.chosen;
    const current = loadFormula("src/formula/default-formula.yaml");
    for (const use of uses) {
      const fit = kept.find((m) => m.measure === use.measure)!;
      expect(use.weight).toBe(fit.weight);
      if (chosen === "current_reweighted") {
        // the current formula's map, as written
        expect(use.score).toEqual(current.formula.categories.flatMap((c) => c.measures).find((m) => m.measure === use.measure)!.score);
        continue;
      }
      expect(use.score.relative_to).toBe(chosen.endsWith("_book") ? "book" : undefined);
      const points = (use.score as { points: [number, number][] }).points;
      // monotone in the direction the book showed, from 0 (riskiest) to 100 (safest)
      for (let i = 1; i < points.length; i++) {
        if (fit.better === "higher") expect(points[i]![1]).toBeGreaterThanOrEqual(points[i - 1]![1]);
        else expect(points[i]![1]).toBeLessThanOrEqual(points[i - 1]![1]);
      }
      // the no-data score (learned where some fit weeks have no value) is on the same 0-100 scale
      const missing = (use.score as { missing?: number }).missing;
      expect(missing).toBe(fit.no_data?.score);
      const all = [...points.map((p) => p[1]), ...(missing === undefined ? [] : [missing])];
      expect(Math.min(...all)).toBe(0);
      expect(Math.max(...all)).toBe(100);
      if (chosen.startsWith("binned"))
        expect(
          Math.min(...report.measures.filter((m) => m.measure === use.measure).flatMap((m) => m.bins.map((b) => b.score)), missing ?? 100),
        ).toBe(0);
      if (chosen.startsWith("linear")) expect(points).toHaveLength(2);
    }
    expect(loaded.formula.tiers.map((t) => t.min)).toEqual(report.tiers.map((t) => t.calibrated));
    const text = readFileSync(path.join(out, "calibrated-formula.yaml"), "utf8");
    expect(text).toMatch(
      new RegExp(
        `^# Calibrated by health calibrate from default-formula.yaml .* churn within 90d\\.\\n# Fitted only on account-weeks whose churn horizon ended by ${SPLIT}`,
      ),
    );
    expect(text).toMatch(/# fit period: \d+ weeks with data, the map reads .*, score alone AUC 0\.\d{3}, (higher|lower) is better/);
    // which candidate was written, and how each fared on the inner split of the fit period
    expect(text).toMatch(
      /# Candidate chosen on an inner split of the fit period at \d{4}-\d{2}-\d{2} .*\n# {3}AUC within weeks there: binned_book 0\.\d{3}, linear_book/,
    );
    // the peer-shaped reference is kept unless another candidate beats it by more than the margin
    const { chosen: picked, reference, margin, inner_auc } = report.fit.candidate;
    expect(reference).toBe("linear_raw");
    const aucOf = (id: string) => inner_auc.find((a) => a.candidate === id)!.auc_within_week!;
    const best = Math.max(...inner_auc.map((a) => a.auc_within_week ?? 0));
    if (picked === reference) expect(best).toBeLessThanOrEqual(aucOf(reference!) + margin!);
    else {
      expect(aucOf(picked)).toBe(best);
      expect(best).toBeGreaterThan(aucOf(reference!) + margin!);
    }
    expect(margin!).toBeGreaterThan(0.005);
    // the no-data scores are written with where they came from
    for (const m of report.measures.filter((x) => x.kept && x.no_data))
      expect(text).toMatch(new RegExp(`# {3}no data: ${m.no_data!.rows} sampled fit weeks churning \\d+(\\.\\d)?% -> ${m.no_data!.score}`));
    expect(report.measures.some((x) => x.kept && x.no_data)).toBe(true);
    for (const m of report.measures.filter((x) => !x.kept)) expect(text).toContain(`#   ${m.measure}: ${m.reason}`);
  });

  it("compares default, calibrated and peer on the same later-period weeks, labelled only where the horizon is observed", async () => {
    const e = report.evaluation;
    expect(report.split).toMatchObject({ date: SPLIT, rule: "the split given with --split" });
    expect(e.default.rows).toBe(e.calibrated.rows);
    expect(e.peer.rows).toBe(e.calibrated.rows);
    for (const f of [e.default, e.calibrated, e.peer, e.peer_values]) {
      expect(f.auc).toBeGreaterThan(0.5);
      expect(f.auc_within_week).not.toBeNull();
    }
    expect(e.calibrated.watch_or_worse!.false_alarm_share).toBeGreaterThan(0);
    // the last evaluated week's horizon ends by the export
    const exported = JSON.parse(readFileSync(path.join(book, "export.json"), "utf8")).exported_at as string;
    const lastAsOf = Date.parse(`${report.split.evaluation.to_week_end}T00:00:00Z`) + 86_400_000;
    expect(lastAsOf + 90 * 86_400_000).toBeLessThanOrEqual(Date.parse(exported));
    expect(report.fit.cutoffs.fit.watch_false_alarms).toBeLessThanOrEqual(0.2);
  });

  it("fits the same formula whatever happens after the split", async () => {
    // half of the accounts churning after the split never churn; the fit period cannot tell
    const changed = path.join(root, "changed");
    cpSync(book, changed, { recursive: true });
    await withDatabase(async (db) => {
      const file = path.join(changed, "accounts.csv");
      await db.run(`create table a as select * from read_csv('${file}', all_varchar = true)`);
      await db.run(`update a set churned_at = null, churn_reason = null
                    where churned_at::timestamp >= '${SPLIT}'::timestamp and hash(account_id) % 2 = 0`);
      await db.run(`copy a to '${file}' (header, quote '"')`);
    });
    const otherOut = path.join(root, "out-changed");
    const other = await health("calibrate", "--data", changed, "--out", otherOut, "--split", SPLIT, "--min-churned", "10");
    expect(other.code).toBe(0);
    const otherReport = reportOf(otherOut);
    expect(otherReport.evaluation.default.positives).toBeLessThan(report.evaluation.default.positives);
    expect(readFileSync(path.join(otherOut, "calibrated-formula.yaml"), "utf8")).toBe(
      readFileSync(path.join(root, "out", "calibrated-formula.yaml"), "utf8"),
    );
    expect(otherReport.measures).toEqual(report.measures);
  }, 900_000);

  it("exits 3 naming what it tried when no split leaves enough churn on both sides", async () => {
    const tiny = writeCsvWarehouse(path.join(root, "tiny"), tinyWarehouse());
    const failed = await health("calibrate", "--data", tiny, "--out", path.join(root, "out-none"));
    expect(failed.code).toBe(3);
    expect(failed.err).toMatch(/health calibrate: no split of the history leaves 15 churned and 15 surviving accounts on both sides/);
    expect(failed.err).toMatch(
      /tried \d{4}-\d{2}-\d{2} \(the split leaving about 60% of the churned accounts to fit on\): only \d+ churned accounts before it/,
    );
    expect(failed.err).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(path.join(root, "out-none", "calibrate.json"))).toBe(false);
  }, 900_000);
});
