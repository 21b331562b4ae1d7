import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { descendantsRss, ProcessTreeSampler, procAvailable } from "../../src/bench/process-tree.ts";

describe.runIf(procAvailable())("process tree memory", () => {
  it("finds a grandchild holding 300 MB, names its command and counts it in the tree's peak", async () => {
    // a shell whose node child fills 300 MB of its own memory and holds it
    const holder = "const b = Buffer.alloc(300 * 2 ** 20, 1); console.log('ready'); setTimeout(() => b.length, 60000)";
    // "; true" keeps the shell from exec-ing node in its place; detached gives them a group to kill
    const child = spawn("sh", ["-c", `${JSON.stringify(process.execPath)} -e "${holder}"; true`], {
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    const sampler = new ProcessTreeSampler(50);
    try {
      await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
      await new Promise((r) => setTimeout(r, 200));
      const now = descendantsRss(process.pid);
      expect(now.map((r) => r.pid)).toContain(child.pid); // the shell, and node under it
      expect(now.length).toBeGreaterThanOrEqual(2);
      const peak = sampler.stop()!;
      expect(peak.largest!.bytes).toBeGreaterThan(300 * 2 ** 20);
      expect(peak.largest!.command).toContain("Buffer.alloc");
      expect(peak.totalBytes).toBeGreaterThanOrEqual(peak.largest!.bytes);
    } finally {
      sampler.stop();
      process.kill(-child.pid!, "SIGKILL");
    }
  });
});
