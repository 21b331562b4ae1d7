/**
 * `npm start` on a fresh clone: generates the demo warehouse when there is none (`health
 * generate`), runs the main job on it (every stage of `health run`, once, plus the site's extracts)
 * and publishes the main job's files to the output directory as `health run` would, builds the
 * report site from that same run, serves it on 127.0.0.1 and prints the URL.
 * HEALTH_DATA / HEALTH_FORMULA / HEALTH_OUT choose other inputs; PORT the port (default 3000).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { engineOutputs } from "../../loaders/engine-outputs.ts";
import { buildSite, DIST } from "../site/build-site.ts";
import { serveDist } from "../site/serve.ts";
import { createLogger } from "../core/log.ts";
import { main } from "../cli/main.ts";
import { checkOutDir } from "../cli/out-dir.ts";
import { resolveLocations } from "../core/paths.ts";
import { checkSettings } from "../db/duckdb.ts";
import { commitStaged, MANIFEST, removeDeadStaging, type RunIdentity } from "../output/publish.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Copies the main job's files of a site run (not the site's own extracts) into `out` as one
 * publish: staged beside them, renamed over their old versions, and the files of an earlier run
 * with other inputs removed (see publish.ts).
 */
function publishCopy(runDir: string, out: string): void {
  mkdirSync(out, { recursive: true });
  removeDeadStaging(out);
  const staging = path.join(out, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  try {
    const files = readdirSync(runDir, { withFileTypes: true }).filter(
      (f) => f.isFile() && !f.name.startsWith("site_") && !f.name.startsWith("."),
    );
    for (const f of files) copyFileSync(path.join(runDir, f.name), path.join(staging, f.name));
    const { files: _, ...identity } = JSON.parse(readFileSync(path.join(runDir, MANIFEST), "utf8")) as RunIdentity & { files: string[] };
    commitStaged(
      out,
      staging,
      files.map((f) => f.name),
      identity,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  const locations = resolveLocations({});
  // a bad setting or output directory is refused before the warehouse is generated or scored
  await checkSettings();
  checkOutDir(locations);
  if (!existsSync(path.join(locations.data, "export.json"))) {
    const code = await main(["generate", "--data", locations.data]);
    if (code !== 0) process.exit(code);
  }
  const runDir = await engineOutputs({ log: createLogger() });
  // the site first: when its build fails, neither the published site nor the outputs change
  const { seconds } = await buildSite({ log: say });
  say(`site built in ${seconds.toFixed(1)}s`);
  publishCopy(runDir, locations.out);
  say(`main job outputs: ${locations.out}`);
  const { url } = await serveDist(DIST, Number(process.env.PORT ?? 3000));
  process.stdout.write(`\nCustomer health site: ${url}\n(Ctrl-C to stop)\n`);
} catch (error) {
  const exitCode = (error as { exitCode?: number }).exitCode;
  say(`npm start failed: ${(error as Error).message}`);
  process.exit(exitCode === 2 || exitCode === 3 ? exitCode : 1);
}
