/**
 * Loads a validated formula into small DuckDB tables so that scoring stays set-based SQL:
 * formula_categories, formula_measures (with the column a measure reads, `base_id`, and how it is
 * scored against the book, `relative_to`, and the score of no data, `missing_score`, null: drops out), formula_points (score maps as segments) and
 * formula_score_maps (the same as lists, one row per map), formula_tiers,
 * formula_caps and formula_user_weights. Values are bound as parameters, never spliced into SQL.
 */
import type { Database } from "../db/duckdb.ts";
import { scorePoints } from "../formula/load.ts";
import type { Formula, ScoreMap } from "../formula/schema.ts";
import { sqlFile } from "../sql/files.ts";
import { measureById } from "./measures.ts";

export async function loadFormulaTables(db: Database, formula: Formula): Promise<void> {
  await db.run(sqlFile("functions.sql"));
  await db.run(`
    create or replace table formula_categories (category_id varchar, label varchar, weight double, position integer, playbook varchar);
    create or replace table formula_measures (category_id varchar, measure_id varchar, weight double, position integer, base_id varchar, is_net boolean, relative_to varchar, zero_is_value boolean, missing_score double);
    create or replace table formula_points (key varchar, lo double, hi double, x0 double, y0 double, slope double);
    create or replace table formula_tiers (tier_id varchar, label varchar, min_score double, max_score double, position integer, playbook varchar);
    create or replace table formula_caps (measure_id varchar, at_least double, max_score double, reason varchar);
    create or replace table formula_user_weights (recency double, frequency double, breadth double);
  `);
  for (const [position, category] of formula.categories.entries()) {
    await db.run("insert into formula_categories values ($id, $label, $weight, $position, $playbook)", {
      id: category.id,
      label: category.label,
      weight: category.weight,
      position,
      playbook: category.playbook,
    });
    for (const [measurePosition, use] of category.measures.entries()) {
      const netOf = measureById(use.measure)?.netOf;
      await db.run(
        "insert into formula_measures values ($category, $measure, $weight, $position, $base, $isNet, $relativeTo, $zeroIsValue, $missing)",
        {
          category: category.id,
          measure: use.measure,
          weight: use.weight,
          position: measurePosition,
          base: netOf ?? use.measure,
          isNet: netOf !== undefined,
          relativeTo: use.score.relative_to ?? null,
          zeroIsValue: measureById(use.measure)?.zeroIsValue === true,
          missing: use.score.missing ?? null,
        },
      );
      await insertSegments(db, use.measure, use.score);
    }
  }
  for (const part of ["recency", "frequency", "breadth"] as const) await insertSegments(db, `user:${part}`, formula.user_health[part]);
  await db.run("insert into formula_user_weights values ($recency, $frequency, $breadth)", { ...formula.user_health.weights });
  await db.run(`
    create or replace table formula_score_maps as
    select key, {'los': list(lo order by lo), 'x0s': list(x0 order by lo), 'y0s': list(y0 order by lo), 'slopes': list(slope order by lo)} as map
    from formula_points
    group by key`);
  for (const [position, tier] of formula.tiers.entries()) {
    await db.run("insert into formula_tiers values ($id, $label, $min, $max, $position, $playbook)", {
      id: tier.id,
      label: tier.label,
      min: tier.min,
      // a score belongs to the first tier (best first) whose min it reaches
      max: position === 0 ? Number.POSITIVE_INFINITY : formula.tiers[position - 1]!.min,
      position,
      playbook: tier.playbook,
    });
  }
  for (const cap of formula.caps) {
    await db.run("insert into formula_caps values ($measure, $atLeast, $max, $reason)", {
      measure: cap.measure,
      atLeast: cap.at_least,
      max: cap.max_score,
      reason: cap.reason,
    });
  }
}

/** Score-map segments for one key: flat before the first point, linear between points, flat after the last. */
export function segments(map: ScoreMap): { lo: number; hi: number; x0: number; y0: number; slope: number }[] {
  const points = scorePoints(map);
  const first = points[0]!;
  const last = points.at(-1)!;
  const out = [{ lo: Number.NEGATIVE_INFINITY, hi: first[0], x0: first[0], y0: first[1], slope: 0 }];
  for (let i = 0; i + 1 < points.length; i++) {
    const [x0, y0] = points[i]!;
    const [x1, y1] = points[i + 1]!;
    out.push({ lo: x0, hi: x1, x0, y0, slope: (y1 - y0) / (x1 - x0) });
  }
  out.push({ lo: last[0], hi: Number.POSITIVE_INFINITY, x0: last[0], y0: last[1], slope: 0 });
  return out;
}

async function insertSegments(db: Database, key: string, map: ScoreMap): Promise<void> {
  for (const s of segments(map)) {
    await db.run("insert into formula_points values ($key, $lo, $hi, $x0, $y0, $slope)", { key, ...s });
  }
}
