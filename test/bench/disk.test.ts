/** The benchmark's spill-directory figure: the size of every file under a folder, at its peak. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DirectorySizeSampler, directorySize } from "../../src/bench/disk.ts";
import { tempDir } from "../helpers/warehouse.ts";

describe("spill directory size", () => {
  it("sums the files of nested folders, and a missing folder is 0", () => {
    const dir = tempDir("disk-size-");
    mkdirSync(path.join(dir, "batches", "alerts"), { recursive: true });
    writeFileSync(path.join(dir, "spill.tmp"), Buffer.alloc(1000));
    writeFileSync(path.join(dir, "batches", "alerts", "batch-00001.parquet"), Buffer.alloc(234));
    expect(directorySize(dir)).toBe(1234);
    expect(directorySize(path.join(dir, "absent"))).toBe(0);
  });

  it("keeps the peak of a window after files are removed, and starts the next window afresh", () => {
    const dir = tempDir("disk-peak-");
    const sampler = new DirectorySizeSampler(dir, 60_000);
    try {
      writeFileSync(path.join(dir, "a.tmp"), Buffer.alloc(5000));
      sampler.reset();
      writeFileSync(path.join(dir, "b.tmp"), Buffer.alloc(3000));
      expect(sampler.reset()).toBe(8000);
      rmSync(path.join(dir, "b.tmp"));
      expect(sampler.reset()).toBe(5000);
      expect(sampler.lifetimePeak()).toBe(8000);
    } finally {
      sampler.stop();
    }
  });
});
