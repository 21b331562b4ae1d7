/** `npm run clean`: removes the built site, Framework's loader cache and the engine outputs cache. */
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
for (const dir of ["dist", "reports/.observablehq/cache", ".cache"]) {
  rmSync(path.join(root, dir), { recursive: true, force: true });
  process.stderr.write(`removed ${dir}\n`);
}
