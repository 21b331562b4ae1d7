/**
 * What calibrate reads of the fit period: every candidate measure's raw value and book rank per
 * account-week (calibrate_book_values), the fit weeks sampled into matrices the regressions read
 * (Sample), the current formula's measure scores on the same rows, and the inner time split.
 */
import { ident, literal, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { MEASURES } from "../health/measures.ts";
import { render, sqlFile } from "../sql/files.ts";
import type { Candidate, Sample, Scale } from "./types.ts";

/**
 * `calibrate_book_values`: every candidate's raw value on every account-week of the book with its
 * percentile rank among the accounts with a value the same week (below + half the equal) / all, as
 * int_measure_reference ranks a measure the formula scores `relative_to: book`: the same week's
 * cross-section only, so no look-ahead. A net-of-book candidate's value is its base measure minus
 * the base's median over the book's accounts with a value that week, as int_measure_inputs computes
 * it at scoring.
 */
export async function createBookValues(db: Database, candidates: readonly Candidate[]): Promise<void> {
  const byFamily = new Map<string, Set<string>>();
  for (const c of candidates) {
    const base = c.def.netOf ?? c.def.id;
    const family = MEASURES.find((m) => m.id === base)?.family ?? c.def.family;
    byFamily.set(family, (byFamily.get(family) ?? new Set()).add(base));
  }
  const parts = [...byFamily].map(([family, set]) => {
    const ids = [...set];
    const columns = ids.map((id) => `${ident(id)}::double as ${ident(id)}`).join(", ");
    return `select account_id, week_start, measure_id, raw_value from (
      unpivot (select account_id, week_start, ${columns} from ${ident(`measures_${family}`)})
      on ${ids.map(ident).join(", ")} into name measure_id value raw_value)`;
  });
  const values =
    parts.length > 0
      ? parts.join("\nunion all\n")
      : "select null::varchar as account_id, null::date as week_start, null::varchar as measure_id, null::double as raw_value limit 0";
  const list = (ids: string[]) => (ids.length > 0 ? ids.map(literal).join(", ") : "null");
  await db.run(
    `create or replace table calibrate_book_values as ${render(sqlFile("calibrate/calibrate_book_values.sql"), {
      values,
      plain: list(candidates.filter((c) => c.def.netOf === undefined).map((c) => c.def.id)),
      net_bases: list(candidates.filter((c) => c.def.netOf !== undefined).map((c) => c.def.netOf!)),
    })}`,
  );
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
