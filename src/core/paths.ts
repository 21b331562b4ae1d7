/** Where the CLI, the loaders and the scripts look when nothing is passed (the built-in demo), and the project root, computed here only. */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

export const DEMO_DATA_DIR = path.join(PROJECT_ROOT, "data", "demo");
export const DEFAULT_FORMULA_FILE = path.join(PROJECT_ROOT, "src", "formula", "default-formula.yaml");
export const DEMO_OUT_DIR = path.join(PROJECT_ROOT, "data", "out");

export interface Locations {
  data: string;
  formula: string;
  out: string;
}

/** `--data`, `--formula`, `--out`, else HEALTH_DATA, HEALTH_FORMULA, HEALTH_OUT, else the demo. */
export function resolveLocations(flags: Partial<Locations>, env: NodeJS.ProcessEnv = process.env): Locations {
  return {
    data: path.resolve(flags.data ?? env.HEALTH_DATA ?? DEMO_DATA_DIR),
    formula: path.resolve(flags.formula ?? env.HEALTH_FORMULA ?? DEFAULT_FORMULA_FILE),
    out: path.resolve(flags.out ?? env.HEALTH_OUT ?? DEMO_OUT_DIR),
  };
}
