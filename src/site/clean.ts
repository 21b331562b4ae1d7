/** `npm run clean`: removes the built site, Framework's loader cache and the engine outputs cache. */
import { rmSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../core/paths.ts";

for (const dir of ["dist", "reports/.observablehq/cache", ".cache"]) {
  rmSync(path.join(PROJECT_ROOT, dir), { recursive: true, force: true });
  process.stderr.write(`removed ${dir}\n`);
}
