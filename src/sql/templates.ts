/**
 * The template step: SQL fragments that depend on the formula, for the models whose columns are
 * one per formula category, tier or measure (a pivot or an unpivot). A model names a fragment as
 * `{{ name }}` and says in its `-- template:` header what fills it; the stage that builds it
 * passes `formulaFragments(...)` to the runner (src/sql/graph.ts). Only identifiers the formula
 * schema validated and integer positions enter the SQL text: values are bound as `$parameters`.
 *
 *   category_columns   one `category_<id>` column per formula category, in formula order
 *                      (scoring/account_health_weekly.sql)
 *   measure_unpivots   the long form (account_id, week_start, measure_id, raw_value) of the
 *                      measures to compute (neededMeasures): one unpivot per measure family, joined
 *                      by `union all`; a typed empty relation when there is none
 *                      (scoring/int_measure_values.sql)
 *   tier_counts        one `count(*) filter (...)` per formula tier, named after its id
 *   tier_columns       one `coalesce(k.<tier>, 0)` per formula tier (cohorts/cohorts.sql)
 */
import { ident } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { measureById } from "../health/measures.ts";

/** The fragments the formula fills; `measures` are the ids to compute (the engine's neededMeasures). */
export function formulaFragments(formula: LoadedFormula, measures: readonly string[] = []): Record<string, string> {
  const f = formula.formula;
  return {
    category_columns: f.categories
      .map((c, position) => `max(c.category_score) filter (where f.position = ${position}) as ${ident(`category_${c.id}`)}`)
      .join(",\n      "),
    measure_unpivots: measureUnpivots(measures),
    tier_counts: f.tiers
      .map((t, position) => `count(*) filter (where t.position = ${position})::integer as ${ident(t.id)}`)
      .join(",\n        "),
    tier_columns: f.tiers.map((t) => `coalesce(k.${ident(t.id)}, 0) as ${ident(t.id)}`).join(",\n        "),
  };
}

function measureUnpivots(measures: readonly string[]): string {
  const byFamily = new Map<string, string[]>();
  for (const id of measures) {
    const family = measureById(id)!.family;
    byFamily.set(family, [...(byFamily.get(family) ?? []), id]);
  }
  const parts = [...byFamily].map(([family, ids]) => {
    const columns = ids.map((id) => `${ident(id)}::double as ${ident(id)}`).join(", ");
    return `select account_id, week_start, measure_id, raw_value from (
      unpivot (select account_id, week_start, ${columns} from ${ident(`measures_${family}`)})
      on ${ids.map(ident).join(", ")} into name measure_id value raw_value)`;
  });
  if (parts.length === 0)
    return "select null::varchar as account_id, null::date as week_start, null::varchar as measure_id, null::double as raw_value limit 0";
  return parts.join("\nunion all\n");
}
