/**
 * What calibrate reads of the fit period: every candidate measure's raw value and book rank per
 * account-week (calibrate_book_values), the fit weeks sampled into matrices the regressions read
 * (Sample), the current formula's measure scores on the same rows, and the inner time split.
 */
import { ident, literal, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { MEASURES } from "../health/measures.ts";
import { render, sqlFile } from "../sql/files.ts";
import { buildAll, model, order, upstream, type Model } from "../sql/graph.ts";
import { formulaFragments } from "../sql/templates.ts";
import type { Candidate, Sample, Scale } from "./types.ts";

/** The schema that holds the engine's measure models built for the candidates (see createBookValues). */
export const CANDIDATE_SCHEMA = "calibrate_candidates";

/**
 * `calibrate_book_values`: every candidate's raw value on every scored account-week of the book
 * with its percentile rank in the book that week, by the engine's own rule: the engine's measure
 * models, from int_measure_values to int_measure_inputs (the long form, the book's weekly median
 * and informativeness, the ranks, the net-of-book values), are built once more in schema
 * CANDIDATE_SCHEMA for every candidate as a formula measure scored `relative_to: book`, and
 * calibrate_book_values reads that int_measure_inputs. The scoring run's own tables hold the
 * formula's measures only; calibrate's candidates are the catalogue's. So a candidate's value, its
 * rank, its net value and which weeks have no data are what the engine would give the calibrated
 * formula, with no second copy of the rule.
 */
export async function createBookValues(db: Database, formula: LoadedFormula, candidates: readonly Candidate[]): Promise<void> {
  const schema = ident(CANDIDATE_SCHEMA);
  await db.run(`create schema if not exists ${schema}`);
  // the engine's formula_measures, same columns, one row per candidate scored against the book
  await db.run(`create or replace table ${schema}.formula_measures as select * from main.formula_measures limit 0`);
  for (const [position, c] of candidates.entries()) {
    await db.run(
      `insert into ${schema}.formula_measures by name
       select $category as category_id, $measure as measure_id, 1.0 as weight, $position as position, $base as base_id,
              $isNet as is_net, 'book' as relative_to, $zeroIsValue as zero_is_value, null::double as missing_score`,
      {
        category: c.category,
        measure: c.def.id,
        position,
        base: c.def.netOf ?? c.def.id,
        isNet: c.def.netOf !== undefined,
        zeroIsValue: c.def.zeroIsValue === true,
      },
    );
  }
  const bases = new Set(candidates.map((c) => c.def.netOf ?? c.def.id));
  const fragments = formulaFragments(
    formula,
    MEASURES.filter((m) => bases.has(m.id)).map((m) => m.id),
  );
  // unqualified names resolve in the candidates' schema first: the models are created there and read
  // each other (and formula_measures) there, everything else (measure tables, int_account_weeks) in main
  const searchPath = (await db.one<{ path: string }>("select current_setting('search_path') as path"))?.path ?? "";
  await db.run(`set search_path = ${literal(`${CANDIDATE_SCHEMA},main`)}`);
  try {
    await buildAll(db, candidateModels(), { fragments });
  } finally {
    await db.run(searchPath === "" ? "reset search_path" : `set search_path = ${literal(searchPath)}`);
  }
  await db.run(`create or replace table calibrate_book_values as ${sqlFile("calibrate/calibrate_book_values.sql")}`);
  await db.run(`drop schema ${schema} cascade`);
}

/**
 * The engine's models that turn the measure tables into int_measure_inputs for the formula's
 * measures: int_measure_inputs and every model it reads that unpivots the measures or reads
 * formula_measures, directly or through another such model.
 */
export function candidateModels(): Model[] {
  const chain = [...upstream(["int_measure_inputs"]), model("int_measure_inputs")].filter((m) => m.kind === "model");
  const mine = new Set<string>();
  for (const m of order(chain))
    if (m.fragments.includes("measure_unpivots") || m.relations.includes("formula_measures") || m.inputs.some((i) => mine.has(i)))
      mine.add(m.name);
  return chain.filter((m) => mine.has(m.name));
}

/** `table`: the candidates' raw values and book ranks on the account-weeks of `weeks`, with their label. */
export async function createValues(db: Database, table: string, weeks: string): Promise<void> {
  await db.run(`create or replace table ${ident(table)} as ${render(sqlFile("calibrate/calibrate_values.sql"), { weeks: ident(weeks) })}`);
}

/**
 * The fit weeks (every `stride`-th calendar week, by account and week) with their label, as-of and
 * current score, and one measure matrix (row-major, NaN = none) per entry of `columns`: the
 * aggregate of measure `id` over `source` (joined by account and week as `v`).
 */
export async function readFitWeeks(
  db: Database,
  stride: number,
  source: string,
  ids: readonly string[],
  columns: readonly ((id: string) => string)[],
): Promise<{ rows: number; y: Uint8Array; asOf: Float64Array; score: Float64Array; account: Int32Array; matrices: Float64Array[] }> {
  const selected = columns.flatMap((column, m) => ids.map((id, j) => `${column(literal(id))} as ${ident(`m${m}_${j}`)}`));
  const rows = await db.all<Record<string, number | boolean | string | null>>(
    render(sqlFile("calibrate/calibrate_fit_weeks.sql"), {
      source,
      columns: selected.length > 0 ? `, ${selected.join(", ")}` : "",
    }),
    { stride },
  );
  const k = ids.length;
  const matrices = columns.map(() => new Float64Array(rows.length * k));
  const y = new Uint8Array(rows.length);
  const asOf = new Float64Array(rows.length);
  const score = new Float64Array(rows.length);
  const account = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    account[i] = i > 0 && rows[i - 1]!.account_id === r.account_id ? account[i - 1]! : i > 0 ? account[i - 1]! + 1 : 0;
    y[i] = r.label ? 1 : 0;
    asOf[i] = r.as_of_ms as number;
    score[i] = typeof r.current_score === "number" ? r.current_score : Number.NaN;
    matrices.forEach((matrix, m) => {
      for (let j = 0; j < k; j++) {
        const v = r[`m${m}_${j}`];
        matrix[i * k + j] = typeof v === "number" ? v : Number.NaN;
      }
    });
  });
  return { rows: rows.length, y, asOf, score, account, matrices };
}

/** The fit weeks with each measure's raw value and book rank (NaN = none). */
export async function loadFitSample(db: Database, ids: readonly string[], stride: number): Promise<Sample> {
  const { matrices, ...weeks } = await readFitWeeks(db, stride, "calibrate_fit_values", ids, [
    (id) => `max(v.raw_value) filter (where v.measure_id = ${id})`,
    (id) => `max(v.pct_value) filter (where v.measure_id = ${id})`,
  ]);
  return { ...weeks, ids: [...ids], values: matrices[0]!, pct: matrices[1]! };
}

export const SCALES: readonly Scale[] = ["book", "raw"];

/** The sample with `values` holding what maps on `scale` read. */
export function viewOf(sample: Sample, scale: Scale): Sample {
  return scale === "book" ? { ...sample, values: sample.pct } : sample;
}

/**
 * The as_of (ms) splitting the fit weeks in two with the same horizon gap as the outer split, so
 * that about 60% of their churned weeks can be fitted on before it and 40% judged after it (the
 * split maximising min(before / 0.6, after / 0.4)), or null when either side would hold fewer than
 * 40 and 20 churned weeks.
 */
export function innerSplitOf(sample: Sample, horizonDays: number): number | null {
  const positives = [...sample.asOf.filter((_, i) => sample.y[i] === 1)].sort((a, b) => a - b);
  const gap = horizonDays * 86_400_000;
  const candidates = [...new Set(sample.asOf)].sort((a, b) => a - b);
  let best: { split: number; score: number; earlier: number; later: number } | null = null;
  for (const split of candidates) {
    const earlier = positives.filter((t) => t + gap <= split).length;
    const later = positives.filter((t) => t >= split).length;
    const score = Math.min(earlier / 0.6, later / 0.4);
    if (!best || score > best.score) best = { split, score, earlier, later };
  }
  return best && best.earlier >= 40 && best.later >= 20 ? best.split : null;
}

/**
 * The current formula's score of each of its measures on the fit weeks of the sample (same rows,
 * same order as loadFitSample), from the engine's int_measure_scores (0-100, NaN = no data), with
 * each measure as a candidate in its category.
 */
export async function loadCurrentScores(
  db: Database,
  formula: LoadedFormula,
  stride: number,
): Promise<{ sample: Sample; candidates: Candidate[] }> {
  const candidates: Candidate[] = [];
  for (const c of formula.formula.categories) {
    if (!(c.weight > 0)) continue;
    for (const m of c.measures) {
      const def = MEASURES.find((x) => x.id === m.measure);
      if (def && m.weight > 0) candidates.push({ def, category: c.id });
    }
  }
  const ids = candidates.map((c) => c.def.id);
  const { matrices, ...weeks } = await readFitWeeks(db, stride, "int_measure_scores", ids, [
    (id) => `max(v.score) filter (where v.measure_id = ${id})`,
  ]);
  return { sample: { ...weeks, ids, values: matrices[0]!, pct: matrices[0]! }, candidates };
}
