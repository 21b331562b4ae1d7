import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DEFAULT_FORMULA_FILE } from "../../src/core/paths.ts";
import { checkFormulaTables, FormulaError, loadFormula, parseFormula } from "../../src/formula/load.ts";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { generatedFiles } from "../../src/scripts/generated-files.ts";
import { defaultFormulaInput } from "../helpers/health.ts";
import { tempDir } from "../helpers/warehouse.ts";

const dir = tempDir();

/** The issues a changed default formula raises, as "path: message" lines. */
function issuesOf(change: (f: FormulaInput) => void): string[] {
  const formula = defaultFormulaInput();
  change(formula);
  try {
    parseFormula(stringify(formula), "formula.yaml");
    return [];
  } catch (error) {
    if (!(error instanceof FormulaError)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe("the default formula", () => {
  it("loads, covers the eight risk categories and hashes by meaning, not layout", () => {
    const loaded = loadFormula(DEFAULT_FORMULA_FILE);
    expect(loaded.formula.categories.map((c) => c.id)).toEqual([
      "adoption",
      "stakeholders",
      "sentiment",
      "technical",
      "onboarding",
      "fit",
      "requests",
      "uncontrollable",
    ]);
    const relaid = parseFormula(`# a comment\n${stringify(defaultFormulaInput(), { indent: 4 })}`, "x.yaml");
    expect(relaid.hash).toBe(loaded.hash);
    const reweighted = defaultFormulaInput();
    reweighted.categories[0]!.weight -= 5;
    reweighted.categories[1]!.weight += 5;
    expect(parseFormula(stringify(reweighted), "x.yaml").hash).not.toBe(loaded.hash);
  });

  it("and the generated reference files are up to date", async () => {
    for (const [file, text] of Object.entries(await generatedFiles())) {
      expect(readFileSync(file, "utf8"), `${path.basename(file)}: run \`npm run docs\``).toBe(text);
    }
  }, 180_000);
});

describe("a bad formula is refused with the path and the reason", () => {
  it("unknown measure, with a suggestion", () => {
    expect(issuesOf((f) => (f.categories[0]!.measures[0]!.measure = "licence_utilization"))).toEqual([
      expect.stringMatching(
        /^categories\[0\]\.measures\[0\]\.measure: unknown measure "licence_utilization"; did you mean "licence_utilisation"/,
      ),
    ]);
  });

  it("negative weight", () => {
    expect(issuesOf((f) => (f.categories[2]!.weight = -15))).toContain("categories[2].weight: weights cannot be negative");
  });

  it("category weights that do not sum to 100", () => {
    const total = (f: FormulaInput) => f.categories.reduce((sum, c) => sum + c.weight, 0);
    expect(issuesOf((f) => (f.categories[0]!.weight += 5))).toEqual([
      `categories: category weights sum to ${total(defaultFormulaInput()) + 5}; they must sum to 100`,
    ]);
  });

  it("measure weights that do not sum to 100 within a category", () => {
    expect(issuesOf((f) => (f.categories[1]!.measures[0]!.weight = 50))).toEqual([
      'categories[1].measures: measure weights of "stakeholders" sum to 130; they must sum to 100',
    ]);
  });

  it("thresholds out of order", () => {
    expect(issuesOf((f) => (f.categories[0]!.measures[1]!.score = { red: 0.15, yellow: 0.9, green: 0.7 }))).toEqual([
      "categories[0].measures[1].score.yellow: thresholds out of order: yellow 0.9 must lie between red 0.15 and green 0.7",
    ]);
    expect(
      issuesOf(
        (f) =>
          (f.categories[0]!.measures[0]!.score = {
            points: [
              [0.5, 0],
              [0.2, 100],
            ],
          }),
      ),
    ).toEqual(["categories[0].measures[0].score.points[1]: points must be in increasing raw order: 0.2 follows 0.5"]);
  });

  it("a score relative to the book maps percentile ranks, from 0 to 1, of measures only", () => {
    expect(
      issuesOf(
        (f) =>
          (f.categories[0]!.measures[0]!.score = {
            relative_to: "book",
            points: [
              [0.1, 0],
              [5, 100],
            ],
          }),
      ),
    ).toEqual(['categories[0].measures[0].score: with relative_to "book" the raw values are percentile ranks from 0 to 1; found 5']);
    expect(issuesOf((f) => (f.categories[0]!.measures[0]!.score = { relative_to: "segment", red: 0.1, green: 0.5 }))).toEqual([]);
    expect(issuesOf((f) => (f.categories[0]!.measures[0]!.score = { relative_to: "market" } as never))[0]).toMatch(
      /^categories\[0\]\.measures\[0\]\.score/,
    );
    expect(issuesOf((f) => (f.caps = [{ measure: "usage_trend_8w_net", at_least: 0, max_score: 39, reason: "x" }]))).toEqual([
      'caps[0].measure: caps take a measure of the account alone; "usage_trend_8w_net" is net of the book (use "usage_trend_8w")',
    ]);
    expect(
      issuesOf(
        (f) =>
          (f.user_health.recency = {
            relative_to: "book",
            points: [
              [0, 100],
              [1, 0],
            ],
          }),
      ),
    ).toEqual([
      "user_health.recency.relative_to: relative_to scores an account's measure against the book; user health parts take raw values only",
    ]);
  });

  it("tiers out of order and an unknown tier in the alerts", () => {
    expect(issuesOf((f) => (f.tiers[1]!.min = f.tiers[0]!.min + 5))).toContain(
      `tiers[1].min: tiers go from best to worst: min ${defaultFormulaInput().tiers[0]!.min + 5} must be below ${defaultFormulaInput().tiers[0]!.min}`,
    );
    expect(issuesOf((f) => (f.alerts.renewal_tiers = ["danger"]))).toEqual([
      'alerts.renewal_tiers[0]: unknown tier "danger"; tiers are healthy, watch, at_risk',
    ]);
  });

  it("alert and expansion settings that make no sense", () => {
    expect(issuesOf((f) => (f.alerts.playbooks = { score_dip: "Call them." } as never))).toEqual([
      'alerts.playbooks: Unrecognized key: "score_dip"',
    ]);
    expect(issuesOf((f) => (f.alerts.clear_after_weeks = 0))).toEqual([expect.stringMatching(/^alerts\.clear_after_weeks: Too small/)]);
    expect(issuesOf((f) => (f.expansion.plans = ["starter", "growth", "starter"]))).toEqual([
      'expansion.plans: plan "starter" appears twice',
    ]);
    expect(issuesOf((f) => (f.tiers[1]!.id = "accounts"))).toEqual(
      expect.arrayContaining(['tiers[1].id: tier id "accounts" is reserved (cohorts has a column of that name); choose another']),
    );
  });

  it("older formulas without the newer alert and expansion settings get their defaults", () => {
    const formula = defaultFormulaInput();
    delete formula.alerts.tier_down;
    delete formula.alerts.clear_after_weeks;
    delete formula.alerts.playbooks;
    delete formula.expansion.plans;
    delete formula.expansion.plan_uplift;
    delete formula.expansion.min_plan_requests;
    delete formula.expansion.request_window_days;
    delete formula.expansion.min_tenure_days;
    const loaded = parseFormula(stringify(formula), "old.yaml").formula;
    expect(loaded.alerts).toMatchObject({ tier_down: { weeks: 4, min_points: 0 }, clear_after_weeks: 2, playbooks: {} });
    expect(loaded.expansion).toMatchObject({
      plans: [],
      plan_uplift: 0.5,
      min_plan_requests: 2,
      request_window_days: 182,
      min_tenure_days: 180,
    });
  });

  it("an unknown key, with the line it is on", () => {
    const text = readFileSync(DEFAULT_FORMULA_FILE, "utf8").replace("  - id: adoption\n", "  - id: adoption\n    wieght: 3\n");
    try {
      parseFormula(text, "mine.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FormulaError);
      const message = (error as FormulaError).message;
      expect(message).toContain("invalid formula mine.yaml");
      expect(message).toMatch(/categories\[0\] \(line \d+\): Unrecognized key: "wieght"/);
    }
  });

  it("YAML that does not parse, and a file that cannot be read", () => {
    const file = path.join(dir, "broken.yaml");
    writeFileSync(file, "name: x\ncategories: [\n");
    expect(() => loadFormula(file)).toThrow(/broken\.yaml[\s\S]*line \d+[\s\S]*not valid YAML/);
    expect(() => loadFormula(path.join(dir, "missing.yaml"))).toThrow(/missing\.yaml[\s\S]*cannot read the file/);
  });
});

describe("measures whose table is absent", () => {
  const present = new Set(["accounts", "contacts", "usage_events"]);

  it("have no data by default, with a warning per measure", () => {
    const warnings = checkFormulaTables(loadFormula(DEFAULT_FORMULA_FILE), present);
    expect(warnings).toContainEqual(expect.stringMatching(/^measure "fit_score" \(fit\) needs fit_assessments, absent from the data/));
    expect(warnings.some((w) => w.includes("licence_utilisation"))).toBe(false);
  });

  it("are an error when the formula says absent_tables: error", () => {
    const formula = defaultFormulaInput();
    formula.absent_tables = "error";
    const loaded = parseFormula(stringify(formula), "strict.yaml");
    expect(() => checkFormulaTables(loaded, present)).toThrow(
      /strict\.yaml[\s\S]*categories\[5\]\.measures\[0\]\.measure: measure "fit_score" \(fit\) needs fit_assessments/,
    );
  });
});

describe("hostile formula files", () => {
  const issues = (text: string) => {
    try {
      parseFormula(text, "hostile.yaml");
      return [];
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
      return error.issues;
    }
  };

  it("a .nan or .inf threshold is named with its path and line, not 'Invalid input'", () => {
    const text = readFileSync(DEFAULT_FORMULA_FILE, "utf8");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => /^\s+min: [\d.]+$/.test(l));
    lines[at] = lines[at]!.replace(/min: [\d.]+/, "min: .nan");
    const found = issues(lines.join("\n"));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: at + 1 });
    expect(found[0]!.path).toMatch(/\.min$/);
    expect(found[0]!.message).toContain("NaN is not a finite number");
    expect(issues(text.replace(/^(\s+)min: ([\d.]+)$/m, "$1min: -.inf"))[0]!.message).toContain("-Infinity is not a finite number");
  });

  it("an alias bomb is refused as a formula error, not expanded", () => {
    const keys = "abcdefghij";
    const bomb = [
      `a: &a [${Array(10).fill('"x"').join(",")}]`,
      ...[...keys.slice(1)].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${keys[i]}`).join(",")}]`),
    ].join("\n");
    const found = issues(bomb);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/not a usable YAML document: .*alias/i);
  });
});
