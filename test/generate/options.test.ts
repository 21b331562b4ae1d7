import path from "node:path";
import { describe, expect, it } from "vitest";
import { planGeneration } from "../../src/generate/options.ts";

describe("planGeneration", () => {
  it("defaults to 500 accounts over 104 weeks ending Sunday 2026-11-15", () => {
    const plan = planGeneration({ outDir: "out/demo" });
    expect(plan).toMatchObject({
      accounts: 500,
      seed: 42,
      weeks: 104,
      startDate: "2024-11-18",
      endDate: "2026-11-15",
      exportedAt: "2026-11-16T00:00:00Z",
      eventScale: 1,
      profile: "demo",
      outDir: path.resolve("out/demo"),
    });
  });

  it("derives the window from another end date and length", () => {
    const plan = planGeneration({ outDir: "x", endDate: "2025-06-29", weeks: 26 });
    expect(plan.startDate).toBe("2024-12-30");
    expect(new Date(`${plan.startDate}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(plan.exportedAt).toBe("2025-06-30T00:00:00Z");
  });

  it.each([
    [{ endDate: "2026-11-16" }, "Sunday"],
    [{ endDate: "2026-02-30" }, "calendar date"],
    [{ endDate: "15/11/2026" }, "YYYY-MM-DD"],
    [{ accounts: 0 }, "accounts"],
    [{ accounts: 2.5 }, "accounts"],
    [{ weeks: 3 }, "weeks"],
    [{ seed: -1 }, "seed"],
    [{ eventsPerAccount: 0 }, "eventsPerAccount"],
    [{ memoryLimit: "lots" }, "memoryLimit"],
    [{ profile: "dense" }, "profile: expected one of demo, sparse"],
  ])("rejects %j", (bad, message) => {
    expect(() => planGeneration({ outDir: "x", ...bad })).toThrow(message);
  });
});
