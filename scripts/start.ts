/**
 * `npm start` on a fresh clone: make sure there is a warehouse (generate the demo when there is
 * none), build the site from a clean cache (the loaders run the engine once), serve it on
 * 127.0.0.1 and print the URL. PORT chooses the port (default 3000).
 */
import { existsSync, readdirSync } from "node:fs";
import { resolveLocations } from "../src/cli/paths.ts";
import { buildSite, DIST } from "./build-site.ts";
import { serveDist } from "./serve.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Generates the demo warehouse (src/generate) when HEALTH_DATA is unset and data/demo is missing or empty. */
async function ensureWarehouse(): Promise<void> {
  const { data } = resolveLocations({});
  if (existsSync(data) && readdirSync(data).length > 0) return;
  if (process.env.HEALTH_DATA) throw new Error(`HEALTH_DATA=${data} is missing or empty`);
  log(`no warehouse at ${data}: generating the demo`);
  const { generateDemoWarehouse } = await import("../src/generate/demo-warehouse.ts");
  const summary = await generateDemoWarehouse({ outDir: data, onProgress: (line) => log(`  ${line}`) });
  log(`demo warehouse: ${summary.accounts} accounts, ${summary.usageEvents} usage events in ${summary.seconds.toFixed(1)}s`);
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
