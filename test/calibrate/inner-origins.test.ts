/**
 * The rolling inner split that picks which candidate formula calibrate writes: where its blocks
 * start, which rows each block's refit reads and which it scores, and the fallback to the single
 * inner split. Samples built to order, counts worked out by hand.
 */
import { describe, expect, it } from "vitest";
import { INNER_BLOCKS, innerBlocks, innerOriginsOf } from "../../src/calibrate/sample.ts";
import type { Sample } from "../../src/calibrate/types.ts";

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** One row per week 0..weeks-1 (as_of = week x 7 days), `churned` of them labelled churned. */
function sample(weeks: number, churned: (week: number) => boolean): Sample {
  const asOf = Float64Array.from({ length: weeks }, (_, w) => w * WEEK);
  const y = Uint8Array.from({ length: weeks }, (_, w) => (churned(w) ? 1 : 0));
  const none = new Float64Array(weeks).fill(Number.NaN);
  return { rows: weeks, ids: [], values: none, pct: none, y, asOf, score: none, account: new Int32Array(weeks) };
}

describe("rolling inner split", () => {
  it("starts at the as-of halving the churned weeks (horizon gap before it) and cuts what follows into blocks of equal churn", () => {
    // 200 weeks, every week churned: with a 28-day gap (4 weeks), the split at week s has s - 3
    // churned weeks whose horizon ended by it (weeks 0 to s - 4) and 200 - s from it on: the
    // smaller is 98 at s = 101 and at s = 102, the first is taken
    const s = sample(200, () => true);
    const origins = innerOriginsOf(s, 28, 123 * WEEK);
    expect(origins.length).toBe(INNER_BLOCKS);
    // 99 churned weeks from week 101 on, in thirds: blocks start at weeks 101, 134 and 167
    expect(origins.map((t) => t / WEEK)).toEqual([101, 134, 167]);
    const blocks = innerBlocks(s, 28, origins);
    // each refit reads the weeks whose horizon ended by its block's start; each block scores its own weeks only
    expect(blocks.map((b) => b.fitRows)).toEqual([98, 131, 164]);
    expect(blocks.map((b) => b.judged.reduce((n, v) => n + v, 0))).toEqual([33, 33, 33]);
    const judgedTwice = s.asOf.filter((_, r) => blocks.filter((b) => b.judged[r]).length > 1).length;
    expect(judgedTwice).toBe(0);
    expect(blocks[1]!.fit[130]).toBe(1);
    expect(blocks[1]!.fit[131]).toBe(0);
  });

  it("falls back to the single inner split when too few churned weeks would precede the first block", () => {
    // 60 churned weeks in all: the halving split leaves under 40 before it
    const s = sample(200, (w) => w % 3 === 0 && w < 180);
    expect(innerOriginsOf(s, 28, 150 * WEEK)).toEqual([150 * WEEK]);
    expect(innerOriginsOf(s, 28, null)).toEqual([]);
  });
});
