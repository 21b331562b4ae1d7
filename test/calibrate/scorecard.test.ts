/**
 * The pure parts of `health calibrate`: scorecard bins made monotone, the ridge logistic
 * regression, and the tier cut-offs, on small inputs whose answers are worked out by hand.
 */
import { describe, expect, it } from "vitest";
import { blockScore, fitScoreMap, pointsScore } from "../../src/calibrate/bins.ts";
import { rankAuc } from "../../reports/lib/auc.ts";
import { fitRidgeLogistic, linearPredictor, type Design } from "../../src/calibrate/logistic.ts";
import { chooseCutoffs, tierMins } from "../../src/calibrate/tiers.ts";
import { withinWeekAuc } from "../../src/calibrate/calibrate.ts";
import { bin } from "../helpers/bins.ts";

const options = { minRows: 10, smoothing: 0, preferHigher: true };

describe("scorecard bins", () => {
  it("pools the bins that break the order (pool-adjacent-violators) and scores the riskiest 0, the safest 100", () => {
    // churn rates 30%, 20%, 25%, 5%: the 2nd and 3rd break "higher is better" and pool to 22.5%
    const map = fitScoreMap([bin(0, 1, 100, 30), bin(1.1, 2, 100, 20), bin(2.1, 3, 100, 25), bin(3.1, 4, 100, 5)], options)!;
    expect(map.better).toBe("higher");
    expect(map.blocks.map((b) => [b.lower, b.upper, b.rows, b.positives])).toEqual([
      [0, 1, 100, 30],
      [1.1, 3, 200, 45],
      [3.1, 4, 100, 5],
    ]);
    expect(map.blocks.map((b) => b.churn_rate)).toEqual([0.3, 0.225, 0.05]);
    // scores on the log-odds: logit(.3) = -0.847, logit(.225) = -1.237, logit(.05) = -2.944
    expect(map.blocks.map((b) => b.score)).toEqual([0, Math.round((100 * (-0.8473 + 1.2368)) / (-0.8473 + 2.9444)), 100]);
    const rates = map.blocks.map((b) => b.churn_rate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThan(rates[i - 1]!);
    // points: each block's middle bin median at its score, in increasing raw order
    expect(map.points).toEqual([
      [0.5, 0],
      [1.55, map.blocks[1]!.score],
      [3.55, 100],
    ]);
    expect(pointsScore(map.points, 0)).toBe(0);
    expect(pointsScore(map.points, (1.55 + 3.55) / 2)).toBeCloseTo((map.blocks[1]!.score + 100) / 2, 9);
    expect(pointsScore(map.points, 9)).toBe(100);
  });

  it("follows the book when higher values churn more, whatever the catalogue prefers", () => {
    const map = fitScoreMap([bin(0, 1, 100, 2), bin(2, 3, 100, 10), bin(4, 5, 100, 30)], options)!;
    expect(map.better).toBe("lower");
    expect(map.points).toEqual([
      [0.5, 100],
      [2.5, map.blocks[1]!.score],
      [4.5, 0],
    ]);
    expect(blockScore(map.blocks, -10)).toBe(100);
    expect(blockScore(map.blocks, 2.5)).toBe(map.blocks[1]!.score);
    expect(blockScore(map.blocks, 99)).toBe(0);
    expect(map.auc!).toBeGreaterThan(0.7);
  });

  it("finds no signal when every bin churns alike, or when only one value occurs", () => {
    expect(fitScoreMap([bin(0, 1, 100, 10), bin(2, 3, 100, 10), bin(4, 5, 100, 10)], options)).toBeNull();
    expect(fitScoreMap([bin(0, 0, 500, 40)], options)).toBeNull();
    // a rise then a fall: whichever direction, pooling leaves at most the rise or the fall
    const bumpy = fitScoreMap([bin(0, 1, 100, 10), bin(2, 3, 100, 30), bin(4, 5, 100, 10)], options);
    expect(bumpy === null || bumpy.blocks.length === 2).toBe(true);
  });

  it("steps at a block of one value instead of blending it into its neighbour", () => {
    // answers 1-9 churn 3%, answer 10 churns 6%: 9 must score like 1-9, not halfway to 10
    const map = fitScoreMap(
      [
        { lower: 1, upper: 9, median: 7, rows: 1000, positives: 30 },
        { lower: 10, upper: 10, median: 10, rows: 300, positives: 18 },
      ],
      options,
    )!;
    expect(map.points).toEqual([
      [7, 100],
      [9, 100],
      [10, 0],
    ]);
    expect(pointsScore(map.points, 9)).toBe(100);
    // a flag: 0 and 1
    const flag = fitScoreMap([bin(0, 0, 500, 50), bin(1, 1, 500, 10)], options)!;
    expect(flag.points).toEqual([
      [0, 0],
      [1, 100],
    ]);
  });

  it("merges a bin with too few rows into its smaller neighbour before fitting", () => {
    const map = fitScoreMap([bin(0, 1, 100, 40), bin(2, 2, 3, 3), bin(3, 4, 50, 1), bin(5, 6, 100, 2)], options)!;
    expect(map.blocks[0]!.rows + map.blocks.slice(1).reduce((s, b) => s + b.rows, 0)).toBe(253);
    expect(map.blocks.every((b) => b.rows >= 10)).toBe(true);
  });
});

describe("ridge logistic regression", () => {
  /** 4,000 rows, x1 ~ U(-2, 2) carries the signal (log-odds -1 + 1.5 x1), x2 is noise. */
  function design(): Design {
    const rows = 4000;
    const x = new Float64Array(rows * 2);
    const y = new Uint8Array(rows);
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let r = 0; r < rows; r++) {
      x[r * 2] = rand() * 4 - 2;
      x[r * 2 + 1] = rand() * 4 - 2;
      y[r] = rand() < 1 / (1 + Math.exp(-(-1 + 1.5 * x[r * 2]!))) ? 1 : 0;
    }
    return { rows, cols: 2, x, y };
  }

  it("recovers the coefficients without a penalty and shrinks them with one", () => {
    const d = design();
    const plain = fitRidgeLogistic(d, 0);
    expect(plain.converged).toBe(true);
    expect(plain.intercept).toBeCloseTo(-1, 0);
    expect(plain.coef[0]!).toBeGreaterThan(1.2);
    expect(plain.coef[0]!).toBeLessThan(1.8);
    expect(Math.abs(plain.coef[1]!)).toBeLessThan(0.2);
    const ridge = fitRidgeLogistic(d, 0.5);
    expect(Math.abs(ridge.coef[0]!)).toBeLessThan(Math.abs(plain.coef[0]!) * 0.8);
    expect(rankAuc(linearPredictor(d, plain), d.y)!).toBeGreaterThan(0.8);
  });

  it("takes the AUC within weeks: only pairs of the same week count, so a season moving every account moves nothing", () => {
    // week 1: churned risk 5 vs survivor 4 (right); week 2 (everyone lower, a dip): churned 2 vs survivors 1 and 3 (one right, one wrong)
    const risk = [5, 4, 2, 1, 3];
    const y = [1, 0, 1, 0, 0];
    const week = [1, 1, 2, 2, 2];
    expect(withinWeekAuc(risk, y, week)).toBeCloseTo((1 + 1 + 0) / 3, 12);
    // pooled, the survivor of week 1 outranks week 2's churner: a different figure
    expect(rankAuc(risk, y)).toBeCloseTo(4 / 6, 12);
    // shifting one week's risks by a constant changes nothing within weeks
    expect(
      withinWeekAuc(
        risk.map((r, i) => (week[i] === 2 ? r - 100 : r)),
        y,
        week,
      ),
    ).toBeCloseTo(2 / 3, 12);
    expect(withinWeekAuc([1, 2], [1, 1], [1, 1])).toBeNull();
  });

  it("counts ties one half in the AUC", () => {
    expect(rankAuc([1, 1, 2, 3], [0, 1, 0, 1])).toBe((0.5 + 1 + 1) / 4);
    expect(rankAuc([1, 2], [1, 1])).toBeNull();
  });
});

describe("tier cut-offs", () => {
  // 1,000 weeks: score s = 0..99 ten times; the 50 churned weeks all score below 10
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 1000; i++) {
    scores.push(i % 100);
    labels.push(i % 100 < 10 && i < 500 ? 1 : 0);
  }

  it("flags at most the false-alarm budget of non-churned weeks watch or worse, and an at-risk band of at least the lift asked", () => {
    const cut = chooseCutoffs(scores, labels, { falseAlarmBudget: 0.2, atRiskLift: 3, minPositives: 5 });
    const negatives = labels.filter((l) => l === 0).length;
    const falseAlarms = scores.filter((s, i) => s < cut.watch_below && !labels[i]).length;
    expect(falseAlarms).toBeLessThanOrEqual(0.2 * negatives);
    expect(cut.fit.watch_false_alarms).toBeLessThanOrEqual(0.2);
    expect(cut.fit.watch_recall).toBe(1);
    expect(cut.at_risk_below).toBeLessThan(cut.watch_below);
    expect(cut.lift_reached).toBe(true);
    expect(cut.fit.at_risk_lift!).toBeGreaterThanOrEqual(3);
    // at most a quarter of the budget's false alarms in the at-risk band
    expect(scores.filter((s, i) => s < cut.at_risk_below && !labels[i]).length).toBeLessThanOrEqual(0.05 * negatives);
  });

  it("aims the at-risk band above the target lift by the margin when some band reaches it, else at the target", () => {
    // churn falls smoothly with the score: of the 40 weeks scoring s, 40 x ((100 - s) / 100)^3 churn,
    // so the band below 10 churns about 3.5 times the base rate and the band below 20 about 3 times
    const s: number[] = [];
    const l: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const score = i % 100;
      s.push(score);
      l.push(Math.floor(i / 100) < Math.round(40 * ((100 - score) / 100) ** 3) ? 1 : 0);
    }
    const lift = (cut: number) => {
      const band = s.map((v, i) => i).filter((i) => s[i]! < cut);
      const base = l.reduce((a, b) => a + b, 0) / l.length;
      return band.filter((i) => l[i]).length / band.length / base;
    };
    const plain = chooseCutoffs(s, l, { falseAlarmBudget: 0.8, atRiskLift: 3, minPositives: 5 });
    const margin = chooseCutoffs(s, l, { falseAlarmBudget: 0.8, atRiskLift: 3, liftMargin: 0.5, minPositives: 5 });
    expect(lift(plain.at_risk_below)).toBeGreaterThanOrEqual(3);
    expect(lift(plain.at_risk_below)).toBeLessThan(3.5);
    expect(lift(margin.at_risk_below)).toBeGreaterThanOrEqual(3.5);
    expect(margin.at_risk_below).toBeLessThan(plain.at_risk_below);
    expect(margin.lift_reached).toBe(true);
    // a margin nothing reaches falls back on the target itself
    const far = chooseCutoffs(s, l, { falseAlarmBudget: 0.8, atRiskLift: 3, liftMargin: 1000, minPositives: 5 });
    expect(far.at_risk_below).toBe(plain.at_risk_below);
  });

  it("sets the tier mins from the cut-offs, worst last at 0", () => {
    expect(tierMins([80, 60, 0], { watch_below: 41.5, at_risk_below: 12 })).toEqual([41.5, 12, 0]);
    const four = tierMins([90, 80, 60, 0], { watch_below: 85, at_risk_below: 40 });
    expect(four.slice(1)).toEqual([85, 40, 0]);
    expect(four[0]!).toBeGreaterThan(85);
  });
});
