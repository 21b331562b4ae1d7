/**
 * The engine's output files for the site, computed once per data + formula + engine code.
 *
 * Every loader calls `engineOutputs()`. The first one runs the main job (`runStages`, plus the
 * site's own extracts) into `.cache/engine-outputs/<fingerprint>/`; the others, which Framework may
 * start at the same time, wait on a lock and reuse the folder. The fingerprint covers the data
 * files (path, size, mtime, links followed), the formula file's content and the engine's source, so an edit to any
 * of them gives a fresh run and a stale folder is never read.
 *
 * HEALTH_SITE_OUTPUTS=<dir> skips all of this and reads a ready output directory (a `health run
 * --out` folder, or test fixtures).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles, statOrUndefined } from "../src/core/files.ts";
import { createLogger, type Logger } from "../src/core/log.ts";
import { PROJECT_ROOT, resolveLocations } from "../src/core/paths.ts";
import { sqlFile } from "../src/sql/files.ts";
import type { Stage } from "../src/core/stage.ts";
import { runStages, STAGES } from "../src/run.ts";

/** Where fingerprinted output folders live; `npm run clean` removes it. */
export const ENGINE_CACHE_DIR = path.join(PROJECT_ROOT, ".cache", "engine-outputs");

const COMPLETE = ".complete";
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

const siteStage: Stage = {
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
    await runStages({ ...locations, out: dir }, log, [...STAGES, siteStage]);
    writeFileSync(path.join(dir, COMPLETE), `${new Date().toISOString()}\n`);
    pruneOld(cacheDir, fingerprint);
  });
  return dir;
}

/** A short hash of everything the outputs depend on. */
export function inputsFingerprint(dataDir: string, formulaFile: string): string {
  const hash = createHash("sha256");
  for (const file of listFiles(dataDir)) {
    // the ground truth of generated warehouses is for evaluation only: the engine never reads it
    if (file.split("/")[0] === "_answers") continue;
    const stat = statOrUndefined(path.join(dataDir, file));
    hash.update(`data ${file} ${stat ? `${stat.size} ${stat.mtimeMs}` : "dangling link"}\n`);
  }
  hash.update("formula\n").update(readFileSync(formulaFile));
  // the engine and this module: a change to either changes what the run writes
  for (const file of listFiles(path.join(PROJECT_ROOT, "src"))) {
    if (/\.(ts|sql|yaml|json)$/.test(file)) hash.update(`code src/${file}\n`).update(readFileSync(path.join(PROJECT_ROOT, "src", file)));
  }
  hash.update("code loaders/engine-outputs.ts\n").update(readFileSync(fileURLToPath(import.meta.url)));
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
