import { describe, expect, it } from "vitest";
import { formatReport, PAGE_DATA_BUDGET } from "../../src/site/check-dist.ts";

describe("the build's page-data report", () => {
  it("flags a page whose own data is over the budget, and not one at it or its on-demand files", () => {
    const text = formatReport({
      pages: 3,
      pageData: { "alerts.html": PAGE_DATA_BUDGET + 1, "index.html": PAGE_DATA_BUDGET, "formula.html": 18_000 },
      onDemandData: { "index.html": 10 * PAGE_DATA_BUDGET },
      accountShardMaxData: 0,
      accountShards: 0,
      problems: [],
    });
    const line = (page: string) => text.split("\n").find((l) => l.includes(page))!;
    expect(line("alerts.html")).toContain("OVER the 2048 KiB budget");
    expect(line("index.html")).not.toContain("OVER");
    expect(line("index.html")).toContain("(+20480.0 KiB on demand)");
    expect(line("formula.html")).toMatch(/data +17\.6 KiB$/);
  });
});
