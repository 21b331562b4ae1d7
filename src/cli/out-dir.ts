/**
 * Checks the output directory before a command does any work: it must not be the data directory or
 * inside it (an output named accounts.parquet would replace the export of that name, and the next
 * check would read outputs as exports), and it must be a directory this process can write in.
 * Each failure is a UsageError (exit 2) naming the directory and the reason.
 */
import { existsSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CALIBRATED_DIFF_FILE, CALIBRATED_FORMULA_FILE } from "../calibrate/calibrate.ts";
import { UsageError } from "../errors.ts";
import { MANIFEST } from "../output/publish.ts";
import type { Locations } from "../core/paths.ts";

/** Throws a UsageError unless `locations.out` is (or can be created as) a writable directory outside `locations.data`. */
export function checkOutDir(locations: Locations): void {
  const out = locations.out;
  const what = `the output directory ${out} (--out, else HEALTH_OUT)`;
  const data = realPath(locations.data);
  const realOut = realPath(out);
  if (realOut === data)
    throw new UsageError(
      `${what} is the data directory: outputs would replace exports of the same name; choose an --out outside ${locations.data}`,
    );
  if (isInside(realOut, data))
    throw new UsageError(
      `${what} is inside the data directory ${locations.data}: outputs would be read as exports; choose an --out outside it`,
    );
  // the formula is an input too: refuse one that a run would write over (calibrate's formula, or any file of the run there)
  const formula = realPath(locations.formula);
  if (path.dirname(formula) === realOut && runFileNames(realOut).has(path.basename(formula))) {
    throw new UsageError(
      `--formula ${locations.formula} is one of the files a run writes to ${out}: copy it elsewhere first, or choose another --out`,
    );
  }
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`${what} is a file, not a directory`);
  // nothing is created before the run: the nearest existing folder must be a directory we can write in
  let existing = path.resolve(out);
  while (!existsSync(existing)) existing = path.dirname(existing);
  if (!statSync(existing).isDirectory()) throw new UsageError(`${what} cannot be created: ${existing} is a file, not a directory`);
  // a real write, not access(): it sees read-only mounts, and root's rights, as they are
  const probe = path.join(existing, `.health-write-check-${process.pid}`);
  try {
    writeFileSync(probe, "");
  } catch (error) {
    throw new UsageError(
      `${what} is not writable: ${existing === path.resolve(out) ? "" : `cannot write in ${existing}: `}${reason(error)}`,
    );
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Names of the files a run writes (or wrote) in `out`: the manifest's list and calibrate's formula. */
function runFileNames(out: string): Set<string> {
  const names = new Set([CALIBRATED_FORMULA_FILE, CALIBRATED_DIFF_FILE]);
  try {
    for (const name of (JSON.parse(readFileSync(path.join(out, MANIFEST), "utf8")) as { files: string[] }).files) names.add(name);
  } catch {
    // no earlier run there
  }
  return names;
}

/**
 * The real path of `file`, resolving symbolic links; for a path that does not exist yet, the real
 * path of its nearest existing parent joined with the rest.
 */
function realPath(file: string): string {
  const absolute = path.resolve(file);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.message.replace(/^[A-Z]+: /, "")})` : String(e.message ?? error);
}
