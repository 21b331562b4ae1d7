/**
 * The engine's output files for the site, computed once per data + formula + engine code.
 *
 * Every loader calls `engineOutputs()`. The first one runs the main job (`runStages`, plus the
 * site's own extracts) into `.cache/engine-outputs/<fingerprint>/`; the others, which Framework may
 * start at the same time, wait on a lock and reuse the folder. The fingerprint covers the data
 * files (path, size, mtime, links followed), the formula file's content, and the code that shapes
 * the outputs or the pages' data (fingerprintedFiles: src/ but the generator, the benchmark and the
 * scripts; every loader and what they import), so an edit to any of them gives a fresh run and a
 * stale folder is never read, while an edit to the generator does not. The runs share one data
 * snapshot (`data-snapshots/` of the cache folder): a formula change re-does the scoring and what follows only.
 *
 * HEALTH_SITE_OUTPUTS=<dir> skips all of this and reads a ready output directory (a `health run
 * --out` folder, or test fixtures).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { listFiles, statOrUndefined } from "../src/core/files.ts";
import { createLogger, type Logger } from "../src/core/log.ts";
import { PROJECT_ROOT, resolveLocations } from "../src/core/paths.ts";
import { dataFingerprint, snapshotDirectory } from "../src/health/snapshot.ts";
import { sqlFile } from "../src/sql/files.ts";
import type { Stage } from "../src/core/stage.ts";
import { runStages, STAGES } from "../src/run.ts";

/** Where fingerprinted output folders live; `npm run clean` removes it. */
export const ENGINE_CACHE_DIR = path.join(PROJECT_ROOT, ".cache", "engine-outputs");

/** The folder of the cache holding the data snapshots (src/health/snapshot.ts) its runs share, unless HEALTH_CACHE says otherwise. */
export const SNAPSHOTS = "data-snapshots";

/** The marker of a complete output folder. */
export const COMPLETE = ".complete";
const LOCK_WAIT_MS = 30 * 60_000;
/** Folders kept besides the current one, so switching formula back and forth stays quick. */
const KEEP_OLD = 2;

/** The site's extracts of the warehouse that no engine output carries (usage per week, tickets, surveys, interventions, ARR history). */
export const SITE_EXTRACTS = [
  "site_usage_weekly",
  "site_tickets",
  "site_surveys",
  "site_account_interventions",
  "site_arr_timeline",
] as const;

/** The site's own extracts and the parsed formula, written after the engine's stages into the same folder. */
export const siteStage: Stage = {
  name: "site extracts",
  async run({ batch, scored }) {
    for (const name of SITE_EXTRACTS) await batch.parquet(name, sqlFile(`site/${name}.sql`));
    // the formula as parsed, so pages show exactly what scored this output set
    batch.json("site_formula", scored.formula.formula);
  },
};

export interface EngineOutputsOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  cacheDir?: string;
}

/** The directory holding a complete output set for the current data and formula; runs the engine if needed. */
export async function engineOutputs(options: EngineOutputsOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (env.HEALTH_SITE_OUTPUTS) {
    const dir = path.resolve(env.HEALTH_SITE_OUTPUTS);
    if (!existsSync(path.join(dir, "accounts.parquet"))) throw new Error(`HEALTH_SITE_OUTPUTS=${dir} holds no accounts.parquet`);
    return dir;
  }
  const log = options.log ?? createLogger();
  const cacheDir = options.cacheDir ?? env.HEALTH_SITE_CACHE ?? ENGINE_CACHE_DIR;
  const locations = resolveLocations({}, env);
  if (!existsSync(locations.data)) {
    throw new Error(`no warehouse at ${locations.data}: run \`npm start\` (it generates the demo) or set HEALTH_DATA`);
  }
  const fingerprint = inputsFingerprint(locations.data, locations.formula);
  const dir = path.join(cacheDir, fingerprint);
  if (existsSync(path.join(dir, COMPLETE))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  await withLock(`${dir}.lock`, async () => {
    if (existsSync(path.join(dir, COMPLETE))) return; // another loader finished it while we waited
    rmSync(dir, { recursive: true, force: true });
    log.info(`engine outputs for ${locations.data} with ${locations.formula} -> ${dir}`);
    // the data snapshot is shared by every fingerprint: a formula change re-does the scoring only
    const cache = env.HEALTH_CACHE ? snapshotDirectory(dir, env) : path.join(cacheDir, SNAPSHOTS);
    await runStages({ ...locations, out: dir, cache }, log, [...STAGES, siteStage]);
    writeFileSync(path.join(dir, COMPLETE), `${new Date().toISOString()}\n`);
    pruneOld(cacheDir, fingerprint);
  });
  return dir;
}

/** Folders of src/ whose code never shapes an output: the demo generator, the benchmark, the scripts. */
export const UNFINGERPRINTED_SRC = ["generate", "bench", "scripts"] as const;

/**
 * The project files (relative to the project root) whose content shapes the outputs and the pages'
 * data: src/ but for UNFINGERPRINTED_SRC (the engine, the site SQL, the site's own code), every
 * loader, and every other project file a loader imports, directly or not (e.g. reports/lib's
 * account links), in a stable order.
 */
export function fingerprintedFiles(root: string = PROJECT_ROOT): string[] {
  const skip = new Set<string>(UNFINGERPRINTED_SRC);
  const files = new Set<string>();
  for (const file of listFiles(path.join(root, "src")))
    if (!skip.has(file.split("/")[0]!) && /\.(ts|js|sql|yaml|json)$/.test(file)) files.add(`src/${file}`);
  const outside: string[] = [];
  for (const file of listFiles(path.join(root, "loaders")))
    if (/\.(ts|js|sql|json)$/.test(file)) {
      files.add(`loaders/${file}`);
      outside.push(`loaders/${file}`);
    }
  // what loaders import outside src/ (src/ is covered above), followed transitively
  while (outside.length > 0) {
    const file = outside.pop()!;
    if (!/\.(ts|js)$/.test(file)) continue;
    const text = readFileSync(path.join(root, file), "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = path
        .relative(root, path.resolve(root, path.dirname(file), match[1]!))
        .split(path.sep)
        .join("/");
      if (target.startsWith("..") || target.startsWith("src/") || files.has(target) || !statOrUndefined(path.join(root, target))?.isFile())
        continue;
      files.add(target);
      outside.push(target);
    }
  }
  return [...files].sort();
}

/** A short hash of everything the outputs depend on: the data files, the formula, fingerprintedFiles. */
export function inputsFingerprint(dataDir: string, formulaFile: string, root: string = PROJECT_ROOT): string {
  const hash = createHash("sha256");
  hash.update(dataFingerprint(dataDir));
  hash.update("formula\n").update(readFileSync(formulaFile));
  for (const file of fingerprintedFiles(root)) hash.update(`code ${file}\n`).update(readFileSync(path.join(root, file)));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Runs `work` holding a directory lock (mkdir is atomic). A lock whose owner process is gone is
 * taken over; a live owner is waited for.
 */
export async function withLock(lockDir: string, work: () => Promise<void>, waitMs = LOCK_WAIT_MS): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lockOwnerAlive(lockDir)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > waitMs)
        throw new Error(`timed out waiting for ${lockDir} (another build is computing the engine outputs)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockOwnerAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8"));
  } catch {
    // created but pid not written yet: give the owner a moment unless the lock is old
    try {
      return Date.now() - statSync(lockDir).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function pruneOld(cacheDir: string, current: string): void {
  const others = readdirSync(cacheDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== current && /^[0-9a-f]{16}$/.test(e.name))
    .map((e) => ({ name: e.name, mtime: statSync(path.join(cacheDir, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of others.slice(KEEP_OLD)) rmSync(path.join(cacheDir, old.name), { recursive: true, force: true });
}
