/**
 * `npm start` on a fresh clone: generates the demo warehouse when there is none (`health
 * generate`), runs the main job on it (every stage of `health run`, once, plus the site's extracts)
 * and publishes the main job's files to the output directory as `health run` would, builds the
 * report site from that same run, serves it on 127.0.0.1 and prints the URL.
 * HEALTH_DATA / HEALTH_FORMULA / HEALTH_OUT choose other inputs; PORT the port (default 3000).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { engineOutputs } from "../../loaders/engine-outputs.ts";
import { buildSite, DIST } from "../site/build-site.ts";
import { serveDist } from "../site/serve.ts";
import { createLogger } from "../cli/log.ts";
import { main } from "../cli/main.ts";
import { resolveLocations } from "../cli/paths.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Copies the main job's files of a site run (not the site's own extracts) into `out`, each renamed over its old version. */
function publishCopy(runDir: string, out: string): void {
  mkdirSync(out, { recursive: true });
  const staging = path.join(out, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  const files = readdirSync(runDir, { withFileTypes: true }).filter((f) => f.isFile() && !f.name.startsWith("site_") && !f.name.startsWith("."));
  for (const f of files) copyFileSync(path.join(runDir, f.name), path.join(staging, f.name));
  for (const f of files) renameSync(path.join(staging, f.name), path.join(out, f.name));
  rmSync(staging, { recursive: true, force: true });
}

try {
  const locations = resolveLocations({});
  if (!existsSync(path.join(locations.data, "export.json"))) {
    const code = await main(["generate", "--data", locations.data]);
    if (code !== 0) process.exit(code);
  }
  const runDir = await engineOutputs({ log: createLogger() });
  publishCopy(runDir, locations.out);
  say(`main job outputs: ${locations.out}`);
  const { seconds } = await buildSite({ log: say });
  say(`site built in ${seconds.toFixed(1)}s`);
  const { url } = await serveDist(DIST, Number(process.env.PORT ?? 3000));
  process.stdout.write(`\nCustomer health site: ${url}\n(Ctrl-C to stop)\n`);
} catch (error) {
  say(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
}
