/**
 * `data/site.json`: what every page needs to label things: the formula (name, hash), the export
 * instant, the latest week, tiers with colours and playbooks, categories with weights, and which
 * optional outputs this run has (alerts, expansion, cohorts, backtest).
 */
import { shardCount } from "../reports/lib/account-link.ts";
import type { SiteMeta } from "../reports/lib/site.ts";
import type { Outputs } from "./lib/outputs.ts";
import { withOutputs } from "./lib/outputs.ts";

/** The site metadata of an opened output set. */
export async function siteMeta(outputs: Outputs): Promise<SiteMeta> {
  const { formula, summary } = outputs;
  // best first: the formula is refused unless its tiers go from best to worst (src/formula/load.ts)
  const tiers = formula.tiers;
  return {
    formula: summary.formula,
    exported_at: summary.exported_at,
    weeks: summary.weeks,
    tiers: tiers.map((t, i) => ({
      id: t.id,
      label: t.label,
      color: t.color ?? "#888888",
      min: t.min,
      max: i === 0 ? 100 : tiers[i - 1]!.min,
      playbook: t.playbook,
    })),
    categories: formula.categories.map((c) => ({
      id: c.id,
      label: c.label,
      weight: c.weight,
      description: c.description ?? null,
      playbook: c.playbook,
    })),
    available: {
      alerts: outputs.has("alerts"),
      expansion: outputs.has("expansion"),
      cohorts: outputs.has("cohorts"),
      backtest: outputs.has("backtest"),
      lead_times: outputs.has("lead_times"),
      whatif: outputs.has("whatif_sample"),
    },
    warnings: summary.warnings,
    account_shards: shardCount((await outputs.db.one<{ n: number }>("select count(*)::integer as n from accounts"))?.n ?? 0),
  };
}

/** Loader core: the JSON text of `siteMeta` for the outputs in `dir`. */
export async function siteLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, siteMeta));
}
