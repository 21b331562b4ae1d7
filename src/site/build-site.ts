/**
 * `npm run build`: builds the report site from a clean Framework cache and fails when anything
 * went wrong. Framework itself exits 0 when a loader fails or a page has an error, so this script
 * (1) clears Framework's loader cache, which it would otherwise reuse whatever changed upstream,
 * (2) answers Framework's npm version lookups offline, (3) runs `observable build` and fails on a
 * non-zero exit or a loader error in its log, (4) checks the built pages (checkDist).
 *
 * The build goes to a folder beside the published one (`.dist.building-<pid>-<time>`), never into
 * it: Framework empties its output folder first. Only once the build and its checks passed is the
 * published folder swapped for it (two renames on one file system), so a failed build leaves the
 * last good site, pages and data, exactly as it was. A folder left by a killed build is removed by
 * the next one.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { numberFromEnv } from "../db/duckdb.ts";
import { removeDeadStaging } from "../output/publish.ts";
import { checkDist, formatReport } from "./check-dist.ts";
import { prepareOfflineNpmCache } from "./offline-npm-cache.ts";
import { PROJECT_ROOT } from "../core/paths.ts";
import { writeAccountShards } from "../../loaders/accounts.ts";
import { engineOutputs } from "../../loaders/engine-outputs.ts";

export const REPORTS_ROOT = path.join(PROJECT_ROOT, "reports");
export const DIST = path.join(PROJECT_ROOT, "dist");

/** Builds the site into dist/; throws with the reason when the build or its check fails. */
export async function buildSite(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; dist?: string } = {},
): Promise<{ seconds: number; dist: string }> {
  const dist = path.resolve(options.dist ?? options.env?.HEALTH_SITE_DIST ?? process.env.HEALTH_SITE_DIST ?? DIST);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Framework holds every page it has parsed: with one page per account its RSS reached 3.4 GB at
  // 10k accounts; one viewer page needs far less, and HEALTH_SITE_HEAP_MB (default 8192) stays as headroom.
  // Read before anything is cleared, so a bad value leaves the last build in place.
  const heapMb = numberFromEnv("HEALTH_SITE_HEAP_MB") ?? 8192;
  const started = performance.now();
  refuseForeignDist(dist);
  const parent = path.dirname(dist);
  const prefix = `.${path.basename(dist)}.building-`;
  removeDeadStaging(parent, prefix);
  removeDeadStaging(parent, `.${path.basename(dist)}.old-`);
  const building = path.join(parent, `${prefix}${process.pid}-${Date.now()}`);
  try {
    rmSync(path.join(REPORTS_ROOT, ".observablehq", "cache"), { recursive: true, force: true });
    prepareOfflineNpmCache(REPORTS_ROOT, PROJECT_ROOT);
    const framework = path.join(PROJECT_ROOT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
    const output = await run(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, framework, "build"],
      {
        ...process.env,
        ...options.env,
        OBSERVABLE_TELEMETRY_DISABLE: "true",
        HEALTH_SITE_DIST: building,
        // Framework runs .ts loaders with `tsx`: make sure ours is found
        PATH: `${path.join(PROJECT_ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      },
      log,
    );
    const loaderErrors = output
      .split("\n")
      .filter((line) => /\berror\b/i.test(stripAnsi(line)) && /\bload\b|loader/i.test(stripAnsi(line)));
    if (loaderErrors.length > 0) throw new Error(`a data loader failed:\n${loaderErrors.map(stripAnsi).join("\n")}`);
    await copyAccountShards(building, { ...process.env, ...options.env }, log).catch((error: Error) => {
      throw new Error(`a data loader failed: the account viewer's shards: ${error.message}`);
    });
    fixPageShells(building);
    const report = checkDist(building);
    log(formatReport(report));
    if (report.problems.length > 0) throw new Error(`the built site has problems:\n${report.problems.map((p) => `  - ${p}`).join("\n")}`);
    swapIn(building, dist);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    const kept = existsSync(dist) ? `; the site published in ${dist} was left as it was` : "";
    throw new Error(`${(error as Error).message}${kept}`);
  }
  return { seconds: (performance.now() - started) / 1000, dist };
}

/**
 * The account viewer's data: every shard file of the engine outputs' accounts, copied to
 * `_file/data/accounts/<shard>.json`, where the viewer fetches one (and where the preview serves
 * it from the shard loader). Framework is not asked to build them: it would start one loader
 * process per shard; here one pass writes them all (cached with the outputs) and the build copies.
 */
async function copyAccountShards(building: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const outputs = await engineOutputs({ env });
  const folder = await writeAccountShards(outputs);
  const target = path.join(building, "_file", "data", "accounts");
  mkdirSync(target, { recursive: true });
  let count = 0;
  for (const name of readdirSync(folder)) {
    if (!name.endsWith(".json")) continue;
    copyFileSync(path.join(folder, name), path.join(target, name));
    count++;
  }
  log(
    `account shards: ${count} files copied to ${path.relative(building, target)} in ${((performance.now() - started) / 1000).toFixed(1)}s`,
  );
}

/**
 * Framework's page shell has no `lang` and disables zoom (`maximum-scale=1`), which keeps readers
 * who need to zoom from doing so: every built page gets `lang="en"` and a viewport that allows it.
 * Its sidebar toggle is named only by a title (given an aria-label), and its close control is a
 * <label> straight inside an <ol> (moved before the list, where its CSS still places it).
 */
export function fixPageShells(dir: string): void {
  for (const file of listHtml(dir)) {
    const html = readFileSync(file, "utf8");
    const fixed = html
      .replace(/<html(?![^>]*\blang=)([^>]*)>/, '<html lang="en"$1>')
      .replace(/(<meta name="viewport" content="[^"]*?),\s*maximum-scale=[\d.]+([^"]*")/, "$1$2")
      .replace(
        /<input id="observablehq-sidebar-toggle"(?![^>]*aria-label)/,
        '<input id="observablehq-sidebar-toggle" aria-label="Toggle sidebar"',
      )
      .replace(/<ol>(\s*)(<label id="observablehq-sidebar-close"[^>]*><\/label>)/, "$2$1<ol>");
    if (fixed !== html) writeFileSync(file, fixed);
  }
}

function listHtml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listHtml(full) : e.name.endsWith(".html") ? [full] : [];
  });
}

/** Replaces `dist` by `built`: the old folder is moved aside, the new one renamed in, the old one removed. */
function swapIn(built: string, dist: string): void {
  if (!existsSync(dist)) {
    renameSync(built, dist);
    return;
  }
  const old = path.join(path.dirname(dist), `.${path.basename(dist)}.old-${process.pid}-${Date.now()}`);
  renameSync(dist, old);
  try {
    renameSync(built, dist);
  } catch (error) {
    renameSync(old, dist);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * The published folder is replaced whole: refuse one that holds something other than an earlier
 * build of the site (its `_observablehq` assets), before any work.
 */
function refuseForeignDist(dist: string): void {
  if (!existsSync(dist) || readdirSync(dist).length === 0) return;
  if (!existsSync(path.join(dist, "_observablehq")))
    throw new Error(`${dist} is not empty and holds no earlier build of the site: choose another HEALTH_SITE_DIST`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let pending = "";
    let accountLoads = 0;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      // per-file lines are noise with thousands of account pages: keep page loads, errors and the
      // summary, with the account pages counted rather than listed
      for (const line of lines) {
        const plain = stripAnsi(line);
        if (/load \/accounts\//.test(plain)) accountLoads++;
        else if (/^│[\s│]{5,}[├└]── /.test(plain)) continue;
        else if (!/^(build|alias|copy|render|success|bundle) |^\/|→ .*\.observablehq\/cache\/_node/.test(plain)) log(line);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      if (pending) log(pending);
      if (accountLoads > 0) log(`(${accountLoads} account pages loaded)`);
      if (code === 0) resolve(output);
      else reject(new Error(`observable build exited with code ${code}`));
    });
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what an ANSI colour code starts with
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { seconds, dist } = await buildSite();
    process.stderr.write(`site built in ${seconds.toFixed(1)}s -> ${dist}\n`);
  } catch (error) {
    process.stderr.write(`build failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
