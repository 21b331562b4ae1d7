/**
 * The linear scorecard is the fitted peer written as a formula: on the rows it was fitted on, the
 * formula's score (as the engine computes it: straight-line maps, no-data scores, whole-number
 * weights) ranks the weeks as the peer's log-odds do. A seeded synthetic sample, answers by
 * construction.
 */
import { describe, expect, it } from "vitest";
import { rankAuc } from "../../reports/lib/auc.ts";
import { CALIBRATE_DEFAULTS } from "../../src/calibrate/calibrate.ts";
import { fitPeer } from "../../src/calibrate/peer.ts";
import { fitLinearScorecard, formulaScores } from "../../src/calibrate/scorecards.ts";
import type { Candidate, Sample } from "../../src/calibrate/types.ts";
import { MEASURES } from "../../src/health/measures.ts";

/** Park-Miller: the same numbers every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48_271) % 2_147_483_647;
    return s / 2_147_483_647;
  };
}

const IDS = ["usage_volume_4w", "active_users_4w", "nps_latest", "usage_trend_13w_net"];

function sample(rows: number): Sample {
  const rand = random(11);
  const k = IDS.length;
  const values = new Float64Array(rows * k);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const volume = 50 + 200 * rand();
    const users = 1 + Math.floor(9 * rand());
    // NPS: a third of the weeks have no answer, and those churn more
    const nps = rand() < 0.33 ? Number.NaN : Math.floor(11 * rand());
    const trend = rand() - 0.5;
    values.set([volume, users, nps, trend], r * k);
    // scales differ by two orders of magnitude: the weights must undo each line's slope
    const logit = 1.5 - 0.012 * volume - 0.15 * users - 0.2 * (Number.isNaN(nps) ? 2 : nps) - 2 * trend;
    y[r] = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return {
    rows,
    ids: [...IDS],
    values,
    pct: values,
    y,
    asOf: new Float64Array(rows),
    score: new Float64Array(rows).fill(Number.NaN),
    account: Int32Array.from({ length: rows }, (_, r) => r),
  };
}

describe("linear scorecard", () => {
  it("scores the weeks in the order of the fitted peer's log-odds (its weights, its penalty), no-data weeks included", () => {
    const s = sample(4000);
    const candidates: Candidate[] = IDS.map((id) => ({
      def: MEASURES.find((m) => m.id === id)!,
      category: id === "nps_latest" ? "sentiment" : "adoption",
    }));
    const context = { candidates, options: CALIBRATE_DEFAULTS, horizonDays: 90 };
    // a penalty that shrinks: the formula must follow the peer's shrunk coefficients, whatever the
    // spread of each line's scores
    const card = fitLinearScorecard(s, undefined, "raw", null, 0.1, context);
    expect(card.lambda).toBe(0.1);
    expect(card.categories.flatMap((c) => c.measures.map((m) => m.measure)).sort()).toEqual([...IDS].sort());
    const peer = fitPeer(s, IDS, null, 90, true, undefined, card.lambda);
    const logOdds = Array.from({ length: s.rows }, (_, r) =>
      peer.features.reduce((sum, f) => {
        const v = s.values[r * IDS.length + IDS.indexOf(f.id)]!;
        return sum + (Number.isNaN(v) ? f.missing : (f.coef * (Math.min(f.hi, Math.max(f.lo, v)) - f.center)) / f.scale);
      }, peer.intercept),
    );
    const scores = formulaScores(s, card);
    const y = Array.from(s.y);
    const peerAuc = rankAuc(logOdds, y)!;
    const formulaAuc = rankAuc(
      Array.from(scores, (v) => -v),
      y,
    )!;
    expect(peerAuc).toBeGreaterThan(0.7);
    // whole-number weights and rounded line ends aside, the same ranking
    expect(Math.abs(formulaAuc - peerAuc)).toBeLessThan(0.0005);
    // pairs of weeks ordered alike by the peer and by the formula
    let same = 0;
    let pairs = 0;
    for (let i = 0; i < 600; i++)
      for (let j = i + 1; j < 600; j++) {
        if (Math.abs(logOdds[i]! - logOdds[j]!) < 0.05) continue;
        pairs++;
        if (logOdds[i]! > logOdds[j]! === scores[i]! < scores[j]!) same++;
      }
    expect(same / pairs).toBeGreaterThan(0.999);
  });
});
