/**
 * `data/formula.json`: the formula that scored this output set (categories, measures with their
 * catalogue labels and descriptions, score maps, tiers, caps, alert and expansion thresholds) and
 * its content hash, so the Formula page shows exactly what is in use.
 */
import { measureById } from "../src/health/measures.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** The formula of an opened output set, with measure labels, descriptions and units. */
export function formulaPage(outputs: Outputs) {
  const { formula, summary } = outputs;
  return {
    name: formula.name,
    description: formula.description ?? null,
    hash: summary.formula.hash,
    file: summary.formula.file,
    formula: {
      ...formula,
      categories: formula.categories.map((c) => ({
        ...c,
        measures: c.measures.map((m) => {
          const def = measureById(m.measure);
          return {
            ...m,
            label: def?.label ?? m.measure,
            description: def?.description ?? null,
            unit: def?.unit ?? null,
            higher_is_better: def?.higherIsBetter ?? null,
          };
        }),
      })),
    },
  };
}

/** Loader core: the JSON text of `formulaPage` for the outputs in `dir`. */
export async function formulaLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, async (outputs) => formulaPage(outputs)));
}
