/**
 * `npm start` on a fresh clone: make sure there is a warehouse (generate the demo when there is
 * none), build the site from a clean cache (the loaders run the engine once), serve it on
 * 127.0.0.1 and print the URL. PORT chooses the port (default 3000).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveLocations } from "../src/cli/paths.ts";
import { buildSite, DIST } from "./build-site.ts";
import { serveDist } from "./serve.ts";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Generates the demo warehouse with `health generate` when that command exists, else a small stand-in. */
async function ensureWarehouse(): Promise<void> {
  const { data } = resolveLocations({});
  if (existsSync(data) && readdirSync(data).length > 0) return;
  if (process.env.HEALTH_DATA) throw new Error(`HEALTH_DATA=${data} is missing or empty`);
  if (existsSync(path.join(root, "src", "cli", "commands", "generate.ts"))) {
    log(`no warehouse at ${data}: generating the demo (health generate)`);
    const result = spawnSync(process.execPath, [path.join(root, "src", "cli", "bin.js"), "generate", "--out", data], { stdio: "inherit" });
    if (result.status !== 0) throw new Error("health generate failed");
    return;
  }
  // Until the demo generator lands: the site tests' warehouse, so a fresh clone still shows a site.
  log(`no warehouse at ${data} and no 'health generate' yet: writing a small stand-in warehouse`);
  const { writeSiteWarehouse } = await import("../test/helpers/site-warehouse.ts");
  writeSiteWarehouse(data, { accounts: 120, weeks: 52 });
}

try {
  await ensureWarehouse();
  const { seconds } = await buildSite({ log });
  log(`site built in ${seconds.toFixed(1)}s`);
  const { url } = await serveDist(DIST, Number(process.env.PORT ?? 3000));
  process.stdout.write(`\nCustomer health site: ${url}\n(Ctrl-C to stop)\n`);
} catch (error) {
  log(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
}
