/**
 * The calibrated formula's text parts: its categories and measures with the comments saying where
 * each number came from, the header lines (split, method, tiers, candidate), and the category
 * weights beside the current ones (written by formula-text.ts).
 */
import path from "node:path";
import { horizonLabel } from "../backtest/options.ts";
import { fixed as fmt, percent as pct, times } from "../core/records.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { roundSignificant, type Block, type FittedMap } from "./bins.ts";

import { CANDIDATE_LABELS } from "./candidates.ts";
import { calibratedFormulaText, type CalibratedCategory } from "./formula-text.ts";

import type { SplitAttempt } from "./splits.ts";
import { atRiskMinChurned, type Cutoffs } from "./tiers.ts";
import type { CalibrateOptions, MeasureFit, CalibrateReport, Scorecard, Scale, CandidateChoice } from "./types.ts";

/** The current formula's score map of `measure`, as written. */
export function currentScoreOf(formula: LoadedFormula, measure: string): unknown {
  for (const c of formula.formula.categories) for (const m of c.measures) if (m.measure === measure) return m.score;
  return undefined;
}

export function buildFormula(
  currentText: string,
  formula: LoadedFormula,
  categories: readonly CalibratedCategory[] | null,
  scale: Scale,
  kind: Scorecard["kind"] | null,
  maps: ReadonlyMap<string, FittedMap>,
  measures: readonly MeasureFit[],
  tierMinById: Record<string, number>,
  header: string[],
  tierComment: string[],
) {
  const dropped = measures.filter((m) => !m.kept);
  return calibratedFormulaText(currentText, formula.file, {
    name: `${formula.formula.name} (calibrated)`,
    description: `Calibrated by health calibrate from "${formula.formula.name}" (${formula.hash}) on this book's own churn history.`,
    header: [...header, ...(dropped.length > 0 ? ["", "Measures left out:", ...dropped.map((m) => `  ${m.measure}: ${m.reason}`)] : [])],
    categories:
      categories === null
        ? null
        : categories.map((c) => ({
            ...c,
            measures: c.measures.map((m) => {
              const map = maps.get(m.measure)!;
              const fit = measures.find((x) => x.measure === m.measure)!;
              const reads =
                kind === "reweighted"
                  ? "the current formula's map"
                  : scale === "book"
                    ? "its percentile rank in the book that week"
                    : "its raw value";
              return {
                ...m,
                points: map.points,
                relativeTo: scale === "book" ? ("book" as const) : undefined,
                ...(map.missing ? { missing: map.missing.score } : {}),
                ...(kind === "reweighted" ? { score: currentScoreOf(formula, m.measure) } : {}),
                comment: [
                  `fit period: ${map.rows} weeks with data, the map reads ${reads}, score alone AUC ${fmt(map.auc)}, ${map.better} is better${fit.better !== fit.catalogue_better ? " (the catalogue says the opposite)" : ""}` +
                    (map.blocks.length > 0
                      ? "; churn by bin:"
                      : kind === "reweighted"
                        ? ""
                        : `; a straight line (regression coefficient ${roundSignificant(fit.coefficient ?? 0, 3)} per standard deviation)`),
                  ...(map.blocks.length > 0
                    ? [`  ${map.blocks.map((b) => `${rangeText(b)} ${pct(b.churn_rate)} (${b.rows}) -> ${b.score}`).join(" | ")}`]
                    : []),
                  ...(map.missing
                    ? [
                        `  no data: ${map.missing.rows} sampled fit weeks churning ${pct(map.missing.churn_rate)} -> ${map.missing.score}` +
                          (map.blocks.length > 0
                            ? " (a bin like the others)"
                            : " (where the peer's missing-value term puts them on the line)"),
                      ]
                    : []),
                ],
              };
            }),
          })),
    tierMins: tierMinById,
    tierComment,
  });
}

export function rangeText(b: Block): string {
  const lo = roundSignificant(b.lower, 3);
  const hi = roundSignificant(b.upper, 3);
  return lo === hi ? `${lo}` : `${lo}..${hi}`;
}

export function headerLines(
  formula: LoadedFormula,
  split: string,
  chosen: SplitAttempt,
  options: CalibrateOptions,
  lambda: number,
  cutoffs: Cutoffs,
  card: Scorecard | null,
): string[] {
  const of = card?.scale === "book" ? "its percentile rank among the book's accounts that week" : "its raw value";
  const how =
    card === null
      ? ["Categories, measures, weights and score maps are the current formula's: no scorecard fitted on this book ranked churn better."]
      : card.kind === "reweighted"
        ? [
            "Measures and score maps are the current formula's; weights from a ridge logistic regression",
            `(IRLS, penalty ${lambda}) of churn on their scores before the split, no data renormalised as the engine does.`,
          ]
        : card.kind === "binned"
          ? [
              `Score maps: each measure's churn rate in quantile bins of ${of} before the split, made monotone`,
              "(pool-adjacent-violators), scored 0 (riskiest bin) to 100 (safest) on the log-odds; the points sit at",
              "each bin's median and the engine interpolates between them.",
              `Weights: ridge logistic regression (IRLS, penalty ${lambda}) of churn on those scores; a measure's effective`,
              "weight (category weight x measure weight / 100) is its coefficient's share.",
            ]
          : [
              `Score maps: straight lines over ${of}, clipped to its 1st-99th percentile before the split,`,
              "0 at the riskier end and 100 at the safer one.",
              `The fitted peer: a ridge logistic regression (IRLS, penalty ${lambda}) of churn on all the standardised values`,
              "(and on which have no data); each line's direction is the sign of its coefficient, and a measure's effective weight",
              "(category weight x measure weight / 100) is its share of |coefficient| / (standard deviation x line slope), so that",
              "the score ranks the weeks as the peer's log-odds do.",
            ];
  return [
    `Calibrated by health calibrate from ${path.basename(formula.file)} (${formula.hash}), churn within ${horizonLabel(options.horizonDays)}.`,
    `Fitted only on account-weeks whose churn horizon ended by ${split} (${chosen.fit_churned} churned and ${chosen.fit_survivors} surviving accounts); nothing later was read.`,
    ...how,
    `Tiers: watch or worse flags at most ${pct(options.falseAlarmBudget)} of the fit period's non-churned weeks (${pct(cutoffs.fit.watch_recall)} of churned weeks caught);`,
    `at risk churned ${times(cutoffs.fit.at_risk_lift)} the base rate there, ${times(cutoffs.fit.at_risk_lift_lower)} at the lower 95% bound over its ${cutoffs.fit.at_risk_accounts} accounts`,
    `(the largest band whose bound reaches the ${options.atRiskLift}x target and that holds churned weeks of at least ${atRiskMinChurned(chosen.fit_churned)} accounts,`,
    "so that it holds on later weeks).",
  ];
}

export function choiceLines(choice: CandidateChoice): string[] {
  if (choice.inner_split === null) return [`Candidate: ${choice.rule}.`];
  return [
    `Candidate chosen on an inner split of the fit period at ${choice.inner_split} (${choice.rule}): ${CANDIDATE_LABELS[choice.chosen]}.`,
    `  AUC within weeks there: ${choice.inner_auc.map((a) => `${a.candidate} ${fmt(a.auc_within_week)}`).join(", ")}.`,
  ];
}

export function tierCommentLines(cutoffs: Cutoffs, options: CalibrateOptions): string[] {
  return [
    `Calibrated cut-offs: below ${cutoffs.watch_below} is watch or worse (at most ${pct(options.falseAlarmBudget)} of non-churned fit weeks), below ${cutoffs.at_risk_below} at risk.`,
  ];
}

export function mergeCategoryWeights(current: LoadedFormula, calibrated: LoadedFormula): CalibrateReport["categories"] {
  const ids = [...new Set([...current.formula.categories.map((c) => c.id), ...calibrated.formula.categories.map((c) => c.id)])];
  return ids.map((id) => ({
    id,
    current: current.formula.categories.find((c) => c.id === id)?.weight ?? 0,
    calibrated: calibrated.formula.categories.find((c) => c.id === id)?.weight ?? 0,
  }));
}
