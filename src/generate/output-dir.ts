/**
 * Where a warehouse is written: a hidden sibling directory that is renamed into place only when the
 * whole run succeeded, so a failed run never leaves a half-written warehouse. An existing target is
 * replaced only if it is empty or is itself a generated warehouse (it has `export.json`).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.ts";

export interface StagedDirectory {
  /** Write everything here. */
  readonly workDir: string;
  /** A scratch directory for DuckDB to spill to; removed with the staging. */
  readonly spillDir: string;
  /** Moves the work directory into place, replacing the previous warehouse. */
  commit(): Promise<void>;
  /** Removes the work and spill directories (after a failure). */
  discard(): Promise<void>;
}

/** Checks the target and creates the staging directories next to it. */
export async function stageDirectory(outDir: string): Promise<StagedDirectory> {
  await assertReplaceable(outDir);
  const parent = path.dirname(outDir);
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const workDir = path.join(parent, `.${path.basename(outDir)}.partial-${tag}`);
  const spillDir = path.join(parent, `.${path.basename(outDir)}.spill-${tag}`);
  await mkdir(workDir, { recursive: true });

  const cleanSpill = () => rm(spillDir, { recursive: true, force: true });
  return {
    workDir,
    spillDir,
    async commit() {
      await cleanSpill();
      // Check again: someone may have written to the target while we generated.
      await assertReplaceable(outDir);
      const previous = (await exists(outDir)) ? path.join(parent, `.${path.basename(outDir)}.previous-${tag}`) : undefined;
      if (previous) await rename(outDir, previous);
      try {
        await rename(workDir, outDir);
      } catch (error) {
        if (previous) await rename(previous, outDir);
        throw error;
      }
      if (previous) await rm(previous, { recursive: true, force: true });
    },
    async discard() {
      await cleanSpill();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

async function assertReplaceable(outDir: string): Promise<void> {
  if (!(await exists(outDir))) return;
  const info = await stat(outDir);
  // A wrong target is the caller's mistake (exit code 2), not a failure of the generator.
  if (!info.isDirectory()) throw new UsageError(`${outDir} exists and is not a directory; refusing to replace it`);
  const entries = await readdir(outDir);
  if (entries.length > 0 && !entries.includes("export.json")) {
    throw new UsageError(`${outDir} is not empty and holds no export.json, so it is not a generated warehouse; refusing to overwrite it`);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
