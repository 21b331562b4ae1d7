/**
 * `data/site.json`: what every page needs to label things: the formula (name, hash), the export
 * instant, the latest week, tiers with colours and playbooks, categories with weights, and which
 * optional outputs this run has (alerts, expansion, cohorts, backtest).
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
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
    account_data_version: dataVersion(outputs.dir),
  };
}

/**
 * A short token that changes with the output set (the account shard files keep fixed names, so the
 * viewer asks for `?v=<token>` and a browser never shows a cached shard of an earlier run).
 */
function dataVersion(dir: string): string {
  const hash = createHash("sha256");
  for (const name of ["accounts.parquet", "account_health_weekly.parquet", "health_summary.json"]) {
    const stat = statSync(path.join(dir, name), { throwIfNoEntry: false });
    hash.update(`${name} ${stat ? `${stat.size} ${stat.mtimeMs}` : "-"}\n`);
  }
  return hash.digest("hex").slice(0, 12);
}

/** Loader core: the JSON text of `siteMeta` for the outputs in `dir`. */
export async function siteLoader(dir: string): Promise<string> {
  return JSON.stringify(await withOutputs(dir, siteMeta));
}
