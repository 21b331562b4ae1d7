/**
 * Peak size of a directory while a step runs: DuckDB's spill directory, which also holds the
 * account batches a large book keeps as Parquet, is what a bigger book needs in disk rather than
 * memory. Sampled by walking the folder every few seconds (files come and go; a vanished one counts 0).
 */
import { type Dirent, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Tracks the peak total size of the files under `dir` since the last `reset()`. */
export class DirectorySizeSampler {
  private peak = 0;
  private lifetime = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    intervalMs = 2000,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Starts a new window; returns the peak of the window that ends. */
  reset(): number {
    this.sample();
    const peak = this.peak;
    this.peak = 0;
    return peak;
  }

  /** Peak over every window so far. */
  lifetimePeak(): number {
    return this.lifetime;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const size = directorySize(this.dir);
    this.peak = Math.max(this.peak, size);
    this.lifetime = Math.max(this.lifetime, size);
  }
}

/** Total bytes of the files under `dir` (0 if it does not exist). */
export function directorySize(dir: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(full);
    else {
      try {
        total += statSync(full).size;
      } catch {
        // removed between listing and stat
      }
    }
  }
  return total;
}
