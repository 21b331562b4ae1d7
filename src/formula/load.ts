/**
 * Reads and validates a formula file (YAML or JSON). Structural errors come from the zod schema,
 * meaning errors (unknown measure, weights not summing to 100, thresholds out of order...) from
 * `checkFormula`; each names the file, the path inside it and, for YAML, the line.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { InputError } from "../errors.ts";
import { MEASURES, measureById, measureHasTables } from "../health/measures.ts";
import { formulaSchema, type Formula, type ScoreMap } from "./schema.ts";

export interface FormulaIssue {
  path: string;
  line?: number;
  message: string;
}

export class FormulaError extends InputError {
  override name = "FormulaError";
  constructor(
    readonly file: string,
    readonly issues: FormulaIssue[],
  ) {
    super(
      `invalid formula ${file}:\n${issues.map((i) => `  - ${i.path || "(top)"}${i.line ? ` (line ${i.line})` : ""}: ${i.message}`).join("\n")}`,
    );
  }
}

export interface LoadedFormula {
  file: string;
  formula: Formula;
  /** First 12 hex digits of the SHA-256 of the formula's canonical JSON: same meaning, same hash. */
  hash: string;
}

const WEIGHT_TOLERANCE = 1e-6;

/** Columns of cohorts.parquet besides the per-tier counts, which are named after the tier ids. */
const RESERVED_TIER_IDS = [
  "dimension",
  "cohort",
  "week_start",
  "week_end",
  "accounts",
  "cohort_size",
  "retained_share",
  "arr",
  "mean_score",
  "median_score",
  "unscored",
  "formula_hash",
];

/** Loads, validates and hashes a formula file; throws FormulaError naming file, path and line. */
export function loadFormula(file: string): LoadedFormula {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FormulaError(file, [{ path: "", message: `cannot read the file: ${(error as Error).message}` }]);
  }
  return parseFormula(text, file);
}

/** Validates formula text; `file` is used for messages and to choose JSON over YAML. */
export function parseFormula(text: string, file: string): LoadedFormula {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new FormulaError(
      file,
      doc.errors.map((e) => ({
        path: "",
        line: e.linePos?.[0]?.line,
        message: `not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  let value: unknown;
  try {
    // the yaml package refuses a document whose aliases expand past 100 (an "alias bomb")
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new FormulaError(file, [
      { path: "", message: `not a usable ${file.endsWith(".json") ? "JSON" : "YAML"} document: ${(error as Error).message}` },
    ]);
  }
  const nonFinite = nonFiniteNumbers(value);
  if (nonFinite.length > 0) {
    throw new FormulaError(
      file,
      nonFinite.map(({ path, value: n }) => ({
        path: pathText(path),
        line: lineOf(path),
        message: `${String(n)} is not a finite number (YAML's .nan and .inf are not allowed here); write a number`,
      })),
    );
  }
  const parsed = formulaSchema.safeParse(value);
  if (!parsed.success) {
    throw new FormulaError(
      file,
      parsed.error.issues.map((issue) => ({ path: pathText(issue.path), line: lineOf(issue.path), message: issue.message })),
    );
  }
  const issues = checkFormula(parsed.data).map((issue) => ({ ...issue, line: lineOf(issue.pathParts) }));
  if (issues.length > 0)
    throw new FormulaError(
      file,
      issues.map(({ pathParts: _, ...rest }) => rest),
    );
  return { file, formula: parsed.data, hash: formulaHash(parsed.data) };
}

/** Every NaN or ±Infinity in a parsed document, with its path. */
function nonFiniteNumbers(value: unknown, at: (string | number)[] = []): { path: (string | number)[]; value: number }[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [{ path: at, value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => nonFiniteNumbers(item, [...at, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => nonFiniteNumbers(item, [...at, key]));
  return [];
}

/** Errors of meaning that a schema cannot express. */
export function checkFormula(formula: Formula): (FormulaIssue & { pathParts: (string | number)[] })[] {
  const issues: (FormulaIssue & { pathParts: (string | number)[] })[] = [];
  const add = (pathParts: (string | number)[], message: string) => issues.push({ path: pathText(pathParts), pathParts, message });

  const categoryTotal = sum(formula.categories.map((c) => c.weight));
  if (Math.abs(categoryTotal - 100) > WEIGHT_TOLERANCE)
    add(["categories"], `category weights sum to ${round(categoryTotal)}; they must sum to 100`);
  duplicates(formula.categories.map((c) => c.id)).forEach((id) => add(["categories"], `category "${id}" appears twice`));

  const usedMeasures = new Set<string>();
  formula.categories.forEach((category, ci) => {
    const total = sum(category.measures.map((m) => m.weight));
    if (Math.abs(total - 100) > WEIGHT_TOLERANCE)
      add(["categories", ci, "measures"], `measure weights of "${category.id}" sum to ${round(total)}; they must sum to 100`);
    category.measures.forEach((use, mi) => {
      const where = ["categories", ci, "measures", mi];
      if (!measureById(use.measure)) add([...where, "measure"], unknownMeasure(use.measure));
      else if (usedMeasures.has(use.measure)) add([...where, "measure"], `measure "${use.measure}" is used twice; use each measure once`);
      usedMeasures.add(use.measure);
      checkScoreMap(use.score, [...where, "score"], add);
      if (use.score.relative_to) checkPercentiles(use.score, [...where, "score"], add);
    });
  });

  const tiers = formula.tiers;
  duplicates(tiers.map((t) => t.id)).forEach((id) => add(["tiers"], `tier "${id}" appears twice`));
  tiers.forEach((tier, i) => {
    if (i > 0 && tier.min >= tiers[i - 1]!.min)
      add(["tiers", i, "min"], `tiers go from best to worst: min ${tier.min} must be below ${tiers[i - 1]!.min}`);
  });
  if (tiers.at(-1)!.min !== 0) add(["tiers", tiers.length - 1, "min"], "the last tier must start at 0 so every score has a tier");

  formula.caps.forEach((cap, i) => {
    if (!measureById(cap.measure)) add(["caps", i, "measure"], unknownMeasure(cap.measure));
    else if (measureById(cap.measure)!.netOf)
      add(
        ["caps", i, "measure"],
        `caps take a measure of the account alone; "${cap.measure}" is net of the book (use "${measureById(cap.measure)!.netOf}")`,
      );
  });
  const uh = formula.user_health;
  for (const part of ["recency", "frequency", "breadth"] as const) {
    checkScoreMap(uh[part], ["user_health", part], add);
    if (uh[part].relative_to)
      add(
        ["user_health", part, "relative_to"],
        "relative_to scores an account's measure against the book; user health parts take raw values only",
      );
    if (uh[part].missing !== undefined)
      add(
        ["user_health", part, "missing"],
        "missing scores an account-week with no value for a formula measure; user health parts have no such score",
      );
  }
  const userTotal = uh.weights.recency + uh.weights.frequency + uh.weights.breadth;
  if (Math.abs(userTotal - 100) > WEIGHT_TOLERANCE)
    add(["user_health", "weights"], `user health weights sum to ${round(userTotal)}; they must sum to 100`);
  const trend = measureById(formula.alerts.divergence.trend_measure);
  if (!trend) add(["alerts", "divergence", "trend_measure"], unknownMeasure(formula.alerts.divergence.trend_measure));
  else if (trend.netOf)
    add(
      ["alerts", "divergence", "trend_measure"],
      `the divergence alert reads the account's own usage trend; "${trend.id}" is net of the book (use "${trend.netOf}")`,
    );
  formula.alerts.renewal_tiers.forEach((id, i) => {
    if (!tiers.some((t) => t.id === id))
      add(["alerts", "renewal_tiers", i], `unknown tier "${id}"; tiers are ${tiers.map((t) => t.id).join(", ")}`);
  });
  duplicates(formula.expansion.plans).forEach((plan) => add(["expansion", "plans"], `plan "${plan}" appears twice`));
  tiers.forEach((tier, i) => {
    if (RESERVED_TIER_IDS.includes(tier.id))
      add(["tiers", i, "id"], `tier id "${tier.id}" is reserved (cohorts has a column of that name); choose another`);
  });
  return issues;
}

/**
 * Measures whose tables are absent from the data. With `absent_tables: error` this throws;
 * otherwise it returns one warning per measure, which then has no data.
 */
export function checkFormulaTables(loaded: LoadedFormula, present: ReadonlySet<string>): string[] {
  const messages: string[] = [];
  const issues: FormulaIssue[] = [];
  loaded.formula.categories.forEach((category, ci) =>
    category.measures.forEach((use, mi) => {
      const measure = measureById(use.measure)!;
      if (measureHasTables(measure, present)) return;
      const tables = measure.requires.join(measure.requiresAny ? " or " : " and ");
      const message = `measure "${use.measure}" (${category.id}) needs ${tables}, absent from the data`;
      messages.push(`${message}; it has no data and its weight is shared by the others`);
      issues.push({ path: `categories[${ci}].measures[${mi}].measure`, message });
    }),
  );
  if (issues.length > 0 && loaded.formula.absent_tables === "error") throw new FormulaError(loaded.file, issues);
  return messages;
}

/** A score map as [raw, score] points sorted by raw value. */
export function scorePoints(map: ScoreMap): [number, number][] {
  if ("points" in map) return map.points.map(([x, y]) => [x, y]);
  const points: [number, number][] = [[map.red, 0]];
  if (map.yellow !== undefined) points.push([map.yellow, 50]);
  points.push([map.green, 100]);
  return points.sort((a, b) => a[0] - b[0]);
}

/** Canonical JSON (keys sorted) hashed with SHA-256. */
export function formulaHash(formula: Formula): string {
  return createHash("sha256").update(canonicalJson(formula)).digest("hex").slice(0, 12);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && key !== "$schema")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function checkScoreMap(map: ScoreMap, where: (string | number)[], add: (path: (string | number)[], message: string) => void): void {
  if ("points" in map) {
    map.points.forEach(([x], i) => {
      if (i > 0 && x <= map.points[i - 1]![0])
        add([...where, "points", i], `points must be in increasing raw order: ${x} follows ${map.points[i - 1]![0]}`);
    });
    return;
  }
  const { red, yellow, green } = map;
  if (red === green) add(where, "red and green thresholds must differ");
  if (yellow !== undefined && !((red < yellow && yellow < green) || (red > yellow && yellow > green))) {
    add([...where, "yellow"], `thresholds out of order: yellow ${yellow} must lie between red ${red} and green ${green}`);
  }
}

/** A relative map's raw values are percentile ranks: they must lie in [0, 1]. */
function checkPercentiles(map: ScoreMap, where: (string | number)[], add: (path: (string | number)[], message: string) => void): void {
  scorePoints(map).forEach(([x]) => {
    if (x < 0 || x > 1) add(where, `with relative_to "${map.relative_to}" the raw values are percentile ranks from 0 to 1; found ${x}`);
  });
}

function unknownMeasure(id: string): string {
  const near = MEASURES.map((m) => m.id).filter((m) => m.includes(id) || id.includes(m) || editDistance(m, id) <= 3);
  return `unknown measure "${id}"${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : ""} (list them with \`health formula --measures\`)`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
