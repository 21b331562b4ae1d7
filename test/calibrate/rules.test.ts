/**
 * The rules calibrate adds on top of the scorecard, on inputs worked out by hand: the no-data bin
 * scored on the bins' own log-odds scale, the straight line's no-data point where the peer's
 * missing-value term puts it, the candidate choice that keeps the peer-shaped reference unless
 * another beats it by more than a standard error, and the at-risk band whose lower confidence bound
 * (each account once) must reach the target lift.
 */
import { describe, expect, it } from "vitest";
import { fitScoreMap, type FittedMap } from "../../src/calibrate/bins.ts";
import { aucStandardError, chooseOverReference } from "../../src/calibrate/choice.ts";
import { lineWithMissing, mapScore, noDataCounts, wantsMissingScore } from "../../src/calibrate/missing.ts";
import { atRiskMinChurned, chooseCutoffs, wilsonLower } from "../../src/calibrate/tiers.ts";
import { bin } from "../helpers/bins.ts";

const logit = (p: number) => Math.log(p / (1 - p));

describe("the no-data score", () => {
  const bins = [bin(0, 1, 100, 30), bin(1.1, 2, 100, 10), bin(2.1, 3, 100, 5)];
  it("scores the no-data weeks of a binned map like any bin, on the same log-odds scale", () => {
    // between the bins: 20% churn sits between 30% (0) and 5% (100)
    const between = fitScoreMap(bins, { minRows: 10, smoothing: 0, preferHigher: true, noData: { rows: 50, positives: 10 } })!;
    expect(between.blocks.map((b) => b.score)).toEqual([
      0,
      Math.round((100 * (logit(0.3) - logit(0.1))) / (logit(0.3) - logit(0.05))),
      100,
    ]);
    expect(between.missing).toEqual({
      rows: 50,
      positives: 10,
      churn_rate: 0.2,
      score: Math.round((100 * (logit(0.3) - logit(0.2))) / (logit(0.3) - logit(0.05))),
    });
    // riskier than every bin: no data scores 0 and the bins move up the scale
    const worse = fitScoreMap(bins, { minRows: 10, smoothing: 0, preferHigher: true, noData: { rows: 50, positives: 30 } })!;
    expect(worse.missing!.score).toBe(0);
    expect(worse.blocks[0]!.score).toBe(Math.round((100 * (logit(0.6) - logit(0.3))) / (logit(0.6) - logit(0.05))));
    expect(worse.blocks.at(-1)!.score).toBe(100);
    // too few no-data weeks to trust: none, no data drops out
    expect(
      fitScoreMap(bins, { minRows: 60, smoothing: 0, preferHigher: true, noData: { rows: 50, positives: 10 } })!.missing,
    ).toBeUndefined();
  });

  it("puts a straight line's no-data score where the peer's missing-value term puts a week without a value", () => {
    const line: FittedMap = {
      better: "higher",
      blocks: [],
      points: [
        [0, 0],
        [10, 100],
      ],
      auc: 0.6,
      rows: 100,
      positives: 10,
    };
    // log-odds coef x (v - 5) / 2: a missing term of +0.5 with coef -0.25 is v = 5 + 0.5 x 2 / -0.25 = 1, score 10
    const inside = lineWithMissing(line, { center: 5, scale: 2, coef: -0.25, missing: 0.5 }, { rows: 20, positives: 4 });
    expect(inside.points).toEqual([
      [0, 0],
      [10, 100],
    ]);
    expect(inside.missing).toMatchObject({ score: 10, rows: 20, churn_rate: 0.2 });
    // v = 5 + 1.5 x 2 / -0.25 = -7, score -70: the line is squeezed to 70/170 .. 100 and no data scores 0
    const below = lineWithMissing(line, { center: 5, scale: 2, coef: -0.25, missing: 1.5 }, { rows: 20, positives: 4 });
    expect(below.missing!.score).toBe(0);
    expect(below.points).toEqual([
      [0, Math.round((7000 / 170) * 100) / 100],
      [10, 100],
    ]);
    expect(mapScore(below, Number.NaN)).toBe(0);
    expect(mapScore(below, 10)).toBe(100);
    expect(Number.isNaN(mapScore(line, Number.NaN))).toBe(true);
  });

  it("is learned only where some but not almost all fit weeks have no data", () => {
    const sample = {
      rows: 4,
      ids: ["a", "b"],
      values: Float64Array.from([1, Number.NaN, Number.NaN, 2, 3, Number.NaN, 4, 5]),
      y: Uint8Array.from([0, 1, 1, 0]),
    };
    expect(noDataCounts(sample, 1, undefined)).toEqual({ rows: 2, positives: 1, share: 0.5 });
    expect(noDataCounts(sample, 0, Uint8Array.from([0, 1, 1, 1]))).toEqual({ rows: 1, positives: 1, share: 1 / 3 });
    expect(wantsMissingScore(0.005)).toBe(false);
    expect(wantsMissingScore(0.5)).toBe(true);
    expect(wantsMissingScore(0.995)).toBe(false);
  });
});

describe("the candidate choice", () => {
  it("keeps the reference unless another beats it by more than the standard error of its AUC", () => {
    // 30 churned and 200 surviving accounts at AUC 0.7: Hanley-McNeil gives about 0.05
    const se = aucStandardError(0.7, 30, 200);
    expect(se).toBeGreaterThan(0.04);
    expect(se).toBeLessThan(0.06);
    expect(aucStandardError(0.7, 300, 2000)).toBeLessThan(se / 3);
    const aucs = [
      { candidate: "binned_book", auc: 0.73 },
      { candidate: "linear_raw", auc: 0.7 },
      { candidate: "current", auc: null },
    ] as const;
    expect(chooseOverReference(aucs, "linear_raw", se)).toBe("linear_raw");
    expect(chooseOverReference(aucs, "linear_raw", 0.02)).toBe("binned_book");
    // no reference AUC: the best
    expect(chooseOverReference(aucs, "current", se)).toBe("binned_book");
  });
});

describe("the at-risk band's lift bound", () => {
  it("takes the largest band whose lower bound, counting each account once, reaches the target", () => {
    // 100 accounts of 10 weeks each; churn falls with the score: the band below s churns more the lower s
    const scores: number[] = [];
    const labels: number[] = [];
    const accounts: number[] = [];
    for (let a = 0; a < 100; a++) {
      for (let w = 0; w < 10; w++) {
        scores.push(a);
        labels.push(a < 10 ? (w < 6 ? 1 : 0) : a < 20 ? (w < 2 ? 1 : 0) : a % 10 === 0 && w === 0 ? 1 : 0);
        accounts.push(a);
      }
    }
    const options = { falseAlarmBudget: 0.9, atRiskLift: 3, minPositives: 5 };
    const point = chooseCutoffs(scores, labels, options);
    const bound = chooseCutoffs(scores, labels, options, accounts);
    const base = labels.reduce((s, v) => s + v, 0) / labels.length;
    const band = (cut: number) => scores.map((s, i) => i).filter((i) => scores[i]! < cut);
    const lower = (cut: number) => {
      const rows = band(cut);
      return wilsonLower(rows.filter((i) => labels[i]).length / rows.length, new Set(rows.map((i) => accounts[i])).size, 1.645) / base;
    };
    expect(point.fit.at_risk_lift!).toBeGreaterThanOrEqual(3);
    expect(bound.fit.at_risk_lift_lower!).toBeCloseTo(lower(bound.at_risk_below), 9);
    expect(bound.fit.at_risk_lift_lower!).toBeGreaterThanOrEqual(3);
    expect(bound.fit.at_risk_accounts).toBe(new Set(band(bound.at_risk_below).map((i) => accounts[i])).size);
    // the bound is stricter than the point estimate, and one more score would break it
    expect(bound.at_risk_below).toBeLessThan(point.at_risk_below);
    expect(lower(bound.at_risk_below + 1)).toBeLessThan(3);
    expect(bound.lift_reached).toBe(true);
    expect(bound.lift_rule).toMatch(/lower 95% confidence bound/);
  });

  it("holds churned weeks of at least the accounts asked, not the worst weeks of two or three", () => {
    // two accounts churn in 8 of their 10 weeks at the lowest scores; of the other 198, one in 20
    // churns one week. The bound alone passes a band of the two (few accounts, but a churn rate
    // far above the base); a floor of 5 churned accounts widens the band to hold 5 of them
    const scores: number[] = [];
    const labels: number[] = [];
    const accounts: number[] = [];
    for (let a = 0; a < 200; a++)
      for (let w = 0; w < 10; w++) {
        scores.push(a);
        labels.push(a < 2 ? (w < 8 ? 1 : 0) : a % 20 === 0 && w === 0 ? 1 : 0);
        accounts.push(a);
      }
    const options = { falseAlarmBudget: 0.9, atRiskLift: 3, minPositives: 5 };
    const churnedIn = (cut: number) => new Set(scores.flatMap((s, i) => (s < cut && labels[i] ? [accounts[i]!] : []))).size;
    const alone = chooseCutoffs(scores, labels, options, accounts);
    expect(churnedIn(alone.at_risk_below)).toBeLessThan(5);
    const floored = chooseCutoffs(scores, labels, { ...options, minChurnedAccounts: 5 }, accounts);
    expect(churnedIn(floored.at_risk_below)).toBeGreaterThanOrEqual(5);
    expect(floored.at_risk_below).toBeGreaterThan(alone.at_risk_below);
    expect(floored.lift_rule).toMatch(/churned weeks of at least 5 accounts/);
    // a fifth of the fit period's churned accounts, and at least 5
    expect([10, 24, 25, 26, 51, 200].map(atRiskMinChurned)).toEqual([5, 5, 5, 6, 11, 40]);
  });

  it("is Wilson's lower bound", () => {
    // p = 0.5 on 100 at z = 1.645: (0.5 + 0.01353 - 1.645 x sqrt(0.0025 + 0.0000677)) / 1.02706
    expect(wilsonLower(0.5, 100, 1.645)).toBeCloseTo(
      (0.5 + 1.645 ** 2 / 200 - 1.645 * Math.sqrt(0.0025 + 1.645 ** 2 / 40000)) / (1 + 1.645 ** 2 / 100),
      12,
    );
    expect(wilsonLower(0.3, 0, 1.645)).toBe(0);
  });
});
