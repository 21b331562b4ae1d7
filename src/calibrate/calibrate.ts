/**
 * `health calibrate`: fits the formula to the book's own churn history on a time split and writes a
 * transparent formula file (see formula-text.ts), never a model nobody can read.
 *
 *   1. Split: labelled weeks are those whose churn horizon is observed (ended by the export), for
 *      churners and survivors alike. The fit period is the weeks whose horizon ended by the split,
 *      the later period the observed weeks from the split on (splits.ts picks a usable split).
 *   2. Score maps (bins.ts): each candidate measure's fit-period churn rate by quantile bin, made
 *      monotone, scored 0-100 on its log-odds. Candidates are the catalogue's measures whose
 *      tables the book has, in the category the current formula gives them (else the category
 *      holding their family). A measure with no data or no monotone signal before the split drops.
 *      Where some fit weeks have no value, the map gets a `missing` score (missing.ts): the
 *      no-data weeks scored like any bin, or, on a straight line, where the peer's missing-value
 *      term puts them. Several such candidate formulas are fitted; the one built like the peer
 *      (linear_raw) is written unless another beats it on an inner time split of the fit period
 *      by more than the standard error of its AUC (choice.ts).
 *   3. Weights (logistic.ts): a ridge logistic regression of churn on those scores; the penalty
 *      is chosen on a time split inside the fit period. A measure's effective weight is its
 *      coefficient's share; measures whose coefficient has the wrong sign (or rounds to 0) drop.
 *   4. The engine re-scores the book with the calibrated formula (the one scoring rule, no copy);
 *      tier cut-offs are chosen on the fit period's scores (tiers.ts: the at-risk band is the
 *      largest whose lower 95% bound of the lift, each account once, reaches the target) and
 *      applied by rescore.sql.
 *   The SQL it runs lives in src/sql/calibrate/*.sql (kind: query), filled by render().
 *   5. Only then is the later period read: default formula, calibrated formula and a fitted peer
 *      (a ridge logistic regression on the raw values of the same measures, fitted on the same
 *      weeks) are compared there.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createBacktestWeeks } from "../backtest/backtest.ts";
import { aucByScope } from "../backtest/metrics.ts";
import { horizonLabel } from "../backtest/options.ts";
import { ident, literal, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { computeHealth } from "../health/engine.ts";
import { loadFormulaTables } from "../health/formula-tables.ts";
import { MEASURES, measureHasTables, type MeasureDefinition } from "../health/measures.ts";
import { InputError } from "../errors.ts";
import type { IngestResult } from "../ingest/ingest.ts";
import { render, sqlFile } from "../sql/files.ts";
import { fitScoreMap, pointsScore, roundSignificant, type Block, type BinCount, type FittedMap, type NoDataBin } from "./bins.ts";
import { lineWithMissing, mapScore, noDataCounts, wantsMissingScore } from "./missing.ts";
import { calibratedFormulaText, lineDiff, type CalibratedCategory } from "./formula-text.ts";
import { rankAuc } from "../../reports/lib/auc.ts";
import { fixed as fmt, percent as pct, times } from "../core/records.ts";
import { fitRidgeLogistic, linearPredictor, type Design, type LogisticFit } from "./logistic.ts";
import { aucStandardError, chooseOverReference } from "./choice.ts";
import { periodFigures, type FlagFigures, type PeriodFigures } from "./figures.ts";
import { chooseSplit, ruleText, type SplitAttempt } from "./splits.ts";
import { chooseCutoffs, tierMins, type Cutoffs } from "./tiers.ts";

export interface CalibrateOptions {
  horizonDays: number;
  /** Split date YYYY-MM-DD (00:00 UTC) to try first; null = choose. */
  split: string | null;
  /** Most non-churned fit weeks the watch-or-worse tiers may flag (share). */
  falseAlarmBudget: number;
  /** The at-risk band should churn at least this many times the base rate. */
  atRiskLift: number;
  /** Each side of the split needs this many churned and surviving accounts. */
  minChurned: number;
  minSurvivors: number;
  /** Quantile bins per measure. */
  bins: number;
  /** Past this many fit weeks, the regression keeps every n-th calendar week. */
  maxFitRows: number;
  /** A measure's score alone must reach this fit-period AUC to stay. */
  minSignalAuc: number;
  /** The calibrated formula must beat the current one's later-period AUC by this much. */
  minGain: number;
  /** Recall of a flag may not fall below this share of the current formula's unless its lift rises (and never below 5%). */
  minRecallKept: number;
}

export const CALIBRATE_DEFAULTS: CalibrateOptions = {
  horizonDays: 90,
  split: null,
  falseAlarmBudget: 0.2,
  atRiskLift: 3,
  minChurned: 15,
  minSurvivors: 15,
  bins: 10,
  maxFitRows: 200_000,
  minSignalAuc: 0.53,
  minGain: 0.01,
  minRecallKept: 0.5,
};

export const CALIBRATED_FORMULA_FILE = "calibrated-formula.yaml";
export const CALIBRATED_DIFF_FILE = "calibrated-formula.diff";

/**
 * The at-risk cut-off: the largest band whose fit-period churn rate has a lower one-sided 95%
 * confidence bound (each account in the band counted once) of at least the target lift x the base
 * rate: a band chosen at its point estimate regresses below the target on later weeks.
 */
const AT_RISK_LIFT_Z = 1.645;

const LAMBDAS = [1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 0.3, 1, 3] as const;
const DEFAULT_LAMBDA = 1e-3;

export type MeasureFit = {
  measure: string;
  category: string;
  kept: boolean;
  reason: string | null;
  /** Fit-period rows with a value. */
  rows: number;
  auc_alone: number | null;
  better: "higher" | "lower" | null;
  catalogue_better: "higher" | "lower";
  weight: number;
  effective_weight: number;
  coefficient: number | null;
  bins: Block[];
  /** The fit weeks with no value and the score the map gives them (`missing`), or null: no data drops out. */
  no_data: NoDataBin | null;
};

export type CalibrateReport = {
  formula: { name: string; hash: string; file: string };
  calibrated: { name: string; hash: string; file: string };
  horizon: string;
  horizon_days: number;
  options: Omit<CalibrateOptions, "split" | "horizonDays">;
  split: {
    date: string;
    rule: string;
    tried: SplitAttempt[];
    fit: {
      from_week_end: string | null;
      to_week_end: string | null;
      account_weeks: number;
      churned_accounts: number;
      surviving_accounts: number;
    };
    evaluation: {
      from_week_end: string | null;
      to_week_end: string | null;
      account_weeks: number;
      churned_accounts: number;
      surviving_accounts: number;
    };
  };
  fit: {
    method: string;
    rows_used: number;
    stride: number;
    lambda: number;
    lambda_validation: { inner_split: string | null; tried: { lambda: number; auc: number | null }[] };
    /** Which candidate formula was written, chosen on the inner split of the fit period. */
    candidate: CandidateChoice;
    peer: { lambda: number; features: PeerFeature[]; intercept: number };
    peer_values: { lambda: number; features: PeerFeature[]; intercept: number };
    cutoffs: Cutoffs;
    auc: { default: number | null; calibrated: number | null; peer: number | null; peer_values: number | null };
  };
  measures: MeasureFit[];
  categories: { id: string; current: number; calibrated: number }[];
  tiers: { id: string; current: number; calibrated: number }[];
  evaluation: {
    /** Later-period weeks scored by both formulas (the comparison's rows). */
    account_weeks: number;
    /** Later-period weeks the default scores but the calibrated formula has no data for. */
    left_out: number;
    default: PeriodFigures;
    calibrated: PeriodFigures;
    /** Ridge logistic regression on the raw values and on which measures have no data. */
    peer: PeriodFigures;
    /** The same on the raw values alone (no data filled with the mean): what a formula can see. */
    peer_values: PeriodFigures;
  };
  improved: boolean;
  verdict: string;
  notes: string[];
  files: { formula: string; diff: string };
};

export type CalibrateResult = { report: CalibrateReport; formulaText: string; diff: string };

type Candidate = { def: MeasureDefinition; category: string };

/**
 * Calibrates on the warehouse scored in `db` with `formula`. Re-runs the engine with the
 * calibrated formula on the same database: afterwards the engine's tables hold the calibrated
 * scores. `formulaText` is the current formula's text (read from its file when not given).
 */
export async function calibrate(
  db: Database,
  formula: LoadedFormula,
  ingested: IngestResult,
  options: CalibrateOptions,
  onProgress: (message: string) => void = () => {},
  formulaText?: string,
): Promise<CalibrateResult> {
  const h = options.horizonDays;
  await createBacktestWeeks(db, { horizonDays: h, from: null, to: null });
  await db.run(`create or replace table calibrate_weeks as ${sqlFile("calibrate/calibrate_weeks.sql")}`, { horizon_days: h });
  const { chosen, tried } = await chooseSplit(db, "calibrate_weeks", options.split, {
    horizonDays: h,
    minChurned: options.minChurned,
    minSurvivors: options.minSurvivors,
  });
  const split = chosen.split;
  onProgress(`split ${split} (${ruleText(chosen.rule)}): ${chosen.fit_churned} churned accounts to fit on, ${chosen.eval_churned} after`);

  // ---- The fit period: the only weeks read until the formula is fixed.
  await db.run(`create or replace table calibrate_fit as ${sqlFile("calibrate/calibrate_fit.sql")}`, { h, split });
  const present = new Set(ingested.tables.filter((t) => t.present).map((t) => t.table));
  const candidates = candidateMeasures(formula, present);
  await createBookValues(db, candidates);
  await createValues(db, "calibrate_fit_values", "calibrate_fit");
  const fitRows = (await db.one<{ n: number }>("select count(*)::integer as n from calibrate_fit"))?.n ?? 0;
  const stride = Math.max(1, Math.ceil(fitRows / options.maxFitRows));
  const sample = await loadFitSample(
    db,
    candidates.map((c) => c.def.id),
    stride,
  );
  const innerSplit = innerSplitOf(sample, h);
  const gap = h * 86_400_000;
  const early = new Uint8Array(sample.rows);
  const late = new Uint8Array(sample.rows);
  let earlyRows = 0;
  if (innerSplit !== null) {
    for (let r = 0; r < sample.rows; r++) {
      early[r] = sample.asOf[r]! + gap <= innerSplit ? 1 : 0;
      late[r] = sample.asOf[r]! >= innerSplit ? 1 : 0;
      earlyRows += early[r]!;
    }
    await db.run(`create or replace temp table calibrate_inner_values as ${sqlFile("calibrate/calibrate_inner_values.sql")}`, {
      gap,
      split: innerSplit,
    });
  }
  const binsOf = (values: string, scale: Scale) =>
    db.all<Record<string, unknown> & BinCount & { measure_id: string }>(
      render(sqlFile("calibrate/calibrate_bins.sql"), {
        values: `(select measure_id, ${scale === "book" ? "pct_value" : "raw_value"} as raw_value, label from ${values})`,
      }),
      { bins: options.bins },
    );
  const context: FitContext = { candidates, options, horizonDays: h };

  // ---- Candidate formulas, each fitted on the fit period alone: binned scorecards and linear
  // scorecards (the peer's own coefficients as straight-line maps) on raw values and on the value's
  // rank in the book that week; which one is written is chosen on an inner time split of the fit
  // period (each refitted on its earlier part, judged on its later part), against the current
  // formula as it is.
  const cards: Scorecard[] = [];
  const inner: CandidateScore[] = [];
  const innerRows = innerSplit === null ? null : innerScoredRows(sample, late);
  for (const scale of SCALES) {
    const view = viewOf(sample, scale);
    const full = await binsOf("calibrate_fit_values", scale);
    const binned = fitBinnedScorecard(
      view,
      undefined,
      full,
      Math.max(30, Math.ceil(fitRows / (options.bins * 5))),
      scale,
      innerSplit,
      null,
      context,
    );
    const linear = fitLinearScorecard(view, undefined, scale, innerSplit, null, context);
    cards.push(binned, linear);
    if (innerSplit !== null && innerRows !== null) {
      const innerBins = await binsOf("calibrate_inner_values", scale);
      const innerMinRows = Math.max(30, Math.ceil((fitRows * (sample.rows > 0 ? earlyRows / sample.rows : 0)) / (options.bins * 5)));
      for (const [card, refit] of [
        [binned, fitBinnedScorecard(view, early, innerBins, innerMinRows, scale, null, binned.lambda, context)],
        [linear, fitLinearScorecard(view, early, scale, null, linear.lambda, context)],
      ] as const) {
        inner.push({ candidate: card.id, scores: formulaScores(view, refit) });
      }
    }
  }
  // the current formula's own measures and maps (book ranks, net-of-book trends), weights refitted
  const current = await loadCurrentScores(db, formula, stride);
  if (current.sample.ids.length > 0 && current.sample.rows === sample.rows) {
    const currentContext: FitContext = { ...context, candidates: current.candidates };
    const reweighted = reweightCurrent(current.sample, undefined, innerSplit, null, currentContext);
    cards.push(reweighted);
    if (innerSplit !== null && innerRows !== null) {
      inner.push({
        candidate: reweighted.id,
        scores: formulaScores(current.sample, reweightCurrent(current.sample, early, null, reweighted.lambda, currentContext)),
      });
    }
  }
  const choice = chooseCandidate(cards, inner, innerRows, sample, innerSplit);
  const card = choice.chosen === "current" ? null : cards.find((c) => c.id === choice.chosen)!;
  const measures = card ? card.measures : currentMeasures(formula, candidates);
  const maps = card?.maps ?? new Map<string, FittedMap>();
  const categories = card?.categories ?? null;
  const lambda = card?.lambda ?? DEFAULT_LAMBDA;
  const lambdaValidation = {
    inner_split: innerSplit ? new Date(innerSplit).toISOString().slice(0, 10) : null,
    tried: card?.lambdaTried ?? [],
  };

  // the peer: the same weeks, raw values of every candidate with data, clipped and standardised
  const peer = fitPeer(
    sample,
    candidates.map((c) => c.def.id),
    innerSplit,
    h,
    true,
  );
  // and the same without the missing-value terms: only what a formula can see (a value, or no data)
  const peerValues = fitPeer(
    sample,
    candidates.map((c) => c.def.id),
    innerSplit,
    h,
    false,
  );

  const currentText = formulaText ?? readFileSync(formula.file, "utf8");
  if (categories !== null && categories.length === 0)
    throw new CalibrationError(
      `no measure carries a signal before the split ${split}: ${measures.map((m) => `${m.measure} (${m.reason})`).join("; ")}`,
    );

  // ---- Score the book with the calibrated formula, choose tiers on the fit period.
  const tierIds = formula.formula.tiers.map((t) => t.id);
  const currentMins = formula.formula.tiers.map((t) => t.min);
  const draft = buildFormula(
    currentText,
    formula,
    categories,
    card?.scale ?? "raw",
    card?.kind ?? null,
    maps,
    measures,
    Object.fromEntries(tierIds.map((id, i) => [id, currentMins[i]!])),
    [],
    [],
  );
  onProgress("re-scoring the book with the calibrated formula");
  await computeHealth(db, ingested, draft.loaded, onProgress);
  await createBacktestWeeks(db, { horizonDays: h, from: null, to: null });
  const fitScores = await db.all<{ score: number; label: boolean; account: number }>(
    `select b.score, b.label, dense_rank() over (order by b.account_id)::integer as account
     from backtest_weeks as b join calibrate_fit as f using (account_id, week_start) order by b.account_id, b.week_start`,
  );
  const cutoffs = chooseCutoffs(
    fitScores.map((r) => r.score),
    fitScores.map((r) => (r.label ? 1 : 0)),
    {
      falseAlarmBudget: options.falseAlarmBudget,
      atRiskLift: options.atRiskLift,
      liftBoundZ: AT_RISK_LIFT_Z,
      minPositives: 5,
    },
    fitScores.map((r) => r.account),
  );
  const mins = tierMins(currentMins, cutoffs);
  const tierMinById = Object.fromEntries(tierIds.map((id, i) => [id, mins[i]!]));

  // ---- The later period, read only now.
  await db.run(`create or replace table calibrate_eval as ${sqlFile("calibrate/calibrate_eval.sql")}`, { split });
  const leftOut = (await db.one<{ n: number }>(sqlFile("calibrate/calibrate_left_out.sql"), { split }))?.n ?? 0;
  await createValues(db, "calibrate_eval_values", "calibrate_eval");
  for (const [name, model] of [
    ["calibrate_peer", peer],
    ["calibrate_peer_values", peerValues],
  ] as const) {
    await db.run(
      `create or replace table ${name}_model (measure_id varchar, center double, scale double, lo double, hi double, coef double, coef_missing double)`,
    );
    for (const f of model.features)
      await db.run(`insert into ${name}_model values ($id, $center, $scale, $lo, $hi, $coef, $missing)`, { ...f });
    for (const [side, values] of [
      ["eval", "calibrate_eval_values"],
      ["fit", "calibrate_fit_values"],
    ] as const) {
      await db.run(
        `create or replace table ${name}_${side}_scores as ${render(sqlFile("calibrate/calibrate_peer.sql"), { weeks: `calibrate_${side}`, values, model: `${name}_model` })}`,
        { intercept: model.intercept },
      );
    }
  }

  // the calibrated formula with its tiers: formula_tiers follow it, rescore.sql applies them
  const header = [...headerLines(formula, split, chosen, options, lambda, cutoffs, card), ...choiceLines(choice)];
  const final = buildFormula(
    currentText,
    formula,
    categories,
    card?.scale ?? "raw",
    card?.kind ?? null,
    maps,
    measures,
    tierMinById,
    header,
    tierCommentLines(cutoffs, options),
  );
  await loadFormulaTables(db, final.loaded.formula);
  await db.run("create or replace table rescore_weights (scope varchar, category_id varchar, weight double)");
  for (const c of final.loaded.formula.categories)
    await db.run("insert into rescore_weights values ('calibrated', $id, $weight)", { id: c.id, weight: c.weight });
  await db.run(
    `create or replace table calibrate_rescored as ${render(sqlFile("backtest/rescore.sql"), {
      weeks:
        "(select b.* from backtest_weeks as b where exists (select 1 from calibrate_eval as e where e.account_id = b.account_id and e.week_start = b.week_start))",
    })}`,
  );
  const scoredOn = (side: "fit" | "eval", calibrated: string) =>
    render(sqlFile("calibrate/calibrate_scored.sql"), {
      weeks: `calibrate_${side}`,
      current: "calibrate_weeks",
      calibrated,
      peer: `calibrate_peer_${side}_scores`,
      peer_values: `calibrate_peer_values_${side}_scores`,
    });
  await db.run(`create or replace table calibrate_eval_scored as ${scoredOn("eval", "calibrate_rescored")}`);
  const figures = await periodFigures(db, "calibrate_eval_scored", tierIds);

  // in-sample AUC on the fit weeks, for reference
  await db.run(`create or replace temp table calibrate_fit_scored as ${scoredOn("fit", "backtest_weeks")}`);
  const fitAuc = await aucByScope(db, "calibrate_fit_scored");

  const d = figures.get("default")!;
  const c = figures.get("calibrated")!;
  const p = figures.get("peer")!;
  const pv = figures.get("peer_values")!;
  const gain = (c.auc ?? 0) - (d.auc ?? 0);
  const collapsed: string[] = [];
  for (const [flag, label] of [
    ["at_risk", "at-risk"],
    ["watch_or_worse", "watch-or-worse"],
  ] as const) {
    // a flag collapses when it catches under half the churned weeks it did without being sharper
    // for it (no higher lift), or catches almost none (under 5%)
    const before = d[flag]?.recall ?? 0;
    const after = c[flag]?.recall ?? 0;
    const sharper = (c[flag]?.lift ?? 0) > (d[flag]?.lift ?? 0);
    if (before > 0 && after < options.minRecallKept * before && (!sharper || after < 0.05)) {
      collapsed.push(
        `${label} recall falls from ${pct(before)} to ${pct(after)} (lift ${times(d[flag]?.lift)} -> ${times(c[flag]?.lift)})`,
      );
    }
  }
  const improved = gain >= options.minGain && collapsed.length === 0;
  const verdict = improved
    ? `Adopt: the calibrated formula raises the later-period AUC from ${fmt(d.auc)} to ${fmt(c.auc)} (+${gain.toFixed(3)}, at least ${options.minGain} needed), at-risk band ${times(c.at_risk?.lift)} the base rate, watch or worse catches ${pct(c.watch_or_worse?.recall)} of churned weeks flagging ${pct(c.watch_or_worse?.false_alarm_share)} of the others.`
    : `Keep the current formula: ${[
        ...(gain < options.minGain
          ? [
              `the calibrated formula's later-period AUC is ${fmt(c.auc)} against ${fmt(d.auc)} (${gain >= 0 ? "+" : ""}${gain.toFixed(3)}; at least +${options.minGain} needed)`,
            ]
          : []),
        ...collapsed,
      ].join("; ")}.`;
  const notes: string[] = [];
  if (p.auc !== null && c.auc !== null) {
    notes.push(
      c.auc >= p.auc - 0.01
        ? `The fitted peer (ridge logistic regression on the raw values and on which measures have no data) reaches ${fmt(p.auc)} on the later period; the calibrated formula is within 0.01 of it or above.`
        : `The fitted peer (ridge logistic regression on the raw values and on which measures have no data) reaches ${fmt(p.auc)} on the later period, ${(p.auc - c.auc).toFixed(3)} above the calibrated formula; on the raw values alone it reaches ${fmt(pv.auc)}` +
            ((pv.auc ?? 0) <= c.auc + 0.01
              ? ": the gap is what missing data itself says about churn, which a formula scoring no data as no data cannot use."
              : "."),
    );
  }
  if (!cutoffs.lift_reached)
    notes.push(
      `No at-risk band's lower confidence bound reached ${options.atRiskLift}x the base rate on the fit period; the band with the highest bound (${times(cutoffs.fit.at_risk_lift_lower)}, point estimate ${times(cutoffs.fit.at_risk_lift)}) was taken.`,
    );
  if ((c.at_risk?.lift ?? 0) < options.atRiskLift)
    notes.push(
      `On the later period the at-risk band churns ${times(c.at_risk?.lift)} the base rate, below the ${options.atRiskLift}x target.`,
    );
  if (leftOut > 0) notes.push(`${leftOut} later-period weeks have no data for any calibrated measure and are left out of the comparison.`);
  const reversed = measures.filter((m) => m.kept && m.better !== m.catalogue_better).map((m) => m.measure);
  if (reversed.length > 0)
    notes.push(
      `In this book ${reversed.join(", ")} churn${reversed.length === 1 ? "s" : ""} less in the direction the catalogue calls worse; the fitted map follows the book.`,
    );
  if (tried.some((t) => !t.usable))
    notes.push(
      `Split ${tried
        .filter((t) => !t.usable)
        .map((t) => `${t.split} (${ruleText(t.rule)})`)
        .join(", ")} could not be used: ${tried.find((t) => !t.usable)?.reason}.`,
    );

  const range = async (table: string) =>
    (await db.one<{ from_week_end: string | null; to_week_end: string | null }>(
      `select strftime(min(week_end), '%Y-%m-%d') as from_week_end, strftime(max(week_end), '%Y-%m-%d') as to_week_end from ${ident(table)}`,
    )) ?? { from_week_end: null, to_week_end: null };
  const diff = lineDiff(currentText, final.text, `a/${path.basename(formula.file)}`, `b/${CALIBRATED_FORMULA_FILE}`);
  const report: CalibrateReport = {
    formula: { name: formula.formula.name, hash: formula.hash, file: path.basename(formula.file) },
    calibrated: { name: final.loaded.formula.name, hash: final.loaded.hash, file: CALIBRATED_FORMULA_FILE },
    horizon: horizonLabel(h),
    horizon_days: h,
    options: (({ split: _, horizonDays: __, ...rest }) => rest)(options),
    split: {
      date: split,
      rule: ruleText(chosen.rule),
      tried,
      fit: {
        ...(await range("calibrate_fit")),
        account_weeks: chosen.fit_rows,
        churned_accounts: chosen.fit_churned,
        surviving_accounts: chosen.fit_survivors,
      },
      evaluation: {
        ...(await range("calibrate_eval")),
        account_weeks: chosen.eval_rows,
        churned_accounts: chosen.eval_churned,
        surviving_accounts: chosen.eval_survivors,
      },
    },
    fit: {
      method:
        card === null
          ? "the current formula kept (no fitted scorecard ranked churn better on the inner split of the fit period); tier cut-offs refitted on the fit period"
          : card.kind === "reweighted"
            ? "the current formula's measures and score maps, weights from a ridge logistic regression (IRLS) on their scores on the fit period, the penalty chosen on a time split inside it"
            : card.kind === "binned"
              ? `score maps from each measure's churn rate by quantile bin of its ${card.scale === "book" ? "percentile rank in the book that week" : "raw value"} on the fit period, made monotone by pool-adjacent-violators and scored on the log-odds; weights from a ridge logistic regression (IRLS) on those scores, the penalty chosen on a time split inside the fit period`
              : `straight-line score maps over each measure's ${card.scale === "book" ? "percentile rank in the book that week" : "raw value"} (clipped to its 1st-99th percentile, direction from a ridge logistic regression on the standardised values), weights from a ridge logistic regression (IRLS) on the lines' scores, the penalty chosen on a time split inside the fit period`,
      rows_used: sample.rows,
      stride,
      lambda,
      lambda_validation: lambdaValidation,
      peer,
      peer_values: peerValues,
      cutoffs,
      candidate: choice,
      auc: {
        default: fitAuc.get("default") ?? null,
        calibrated: fitAuc.get("calibrated") ?? null,
        peer: fitAuc.get("peer") ?? null,
        peer_values: fitAuc.get("peer_values") ?? null,
      },
    },
    measures,
    categories: mergeCategoryWeights(formula, final.loaded),
    tiers: tierIds.map((id, i) => ({ id, current: currentMins[i]!, calibrated: mins[i]! })),
    evaluation: { account_weeks: c.rows, left_out: leftOut, default: d, calibrated: c, peer: p, peer_values: pv },
    improved,
    verdict,
    notes,
    files: { formula: CALIBRATED_FORMULA_FILE, diff: CALIBRATED_DIFF_FILE },
  };
  return { report, formulaText: final.text, diff };
}

/** The book has a usable split but nothing to fit: exit 3 with the reason. */
export class CalibrationError extends InputError {
  override name = "CalibrationError";
}

/** Catalogue measures whose tables the book has (net-of-book ones aside), each in the category that will hold it. */
export function candidateMeasures(formula: LoadedFormula, present: ReadonlySet<string>): Candidate[] {
  const categoryOf = new Map<string, string>();
  for (const c of formula.formula.categories) for (const m of c.measures) categoryOf.set(m.measure, c.id);
  const familyCategory = new Map<string, string>();
  for (const family of new Set(MEASURES.map((m) => m.family))) {
    const counts = new Map<string, number>();
    for (const m of MEASURES)
      if (m.family === family && categoryOf.has(m.id)) counts.set(categoryOf.get(m.id)!, (counts.get(categoryOf.get(m.id)!) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (best) familyCategory.set(family, best[0]);
  }
  // net-of-book measures are no column of a family model (the engine derives them from their base
  // at scoring); calibrate bins the base's own values, so they are not candidates
  return MEASURES.filter((m) => measureHasTables(m, present) && m.netOf === undefined)
    .map((def) => ({ def, category: categoryOf.get(def.id) ?? familyCategory.get(def.family) ?? "" }))
    .filter((c) => c.category !== "");
}

/**
 * `calibrate_book_values`: every candidate's raw value on every account-week of the book with its
 * percentile rank among the accounts with a value the same week (below + half the equal) / all, as
 * int_measure_reference ranks a measure the formula scores `relative_to: book`: the same week's
 * cross-section only, so no look-ahead.
 */
async function createBookValues(db: Database, candidates: readonly Candidate[]): Promise<void> {
  const byFamily = new Map<string, string[]>();
  for (const c of candidates) byFamily.set(c.def.family, [...(byFamily.get(c.def.family) ?? []), c.def.id]);
  const parts = [...byFamily].map(([family, ids]) => {
    const columns = ids.map((id) => `${ident(id)}::double as ${ident(id)}`).join(", ");
    return `select account_id, week_start, measure_id, raw_value from (
      unpivot (select account_id, week_start, ${columns} from ${ident(`measures_${family}`)})
      on ${ids.map(ident).join(", ")} into name measure_id value raw_value)`;
  });
  const values =
    parts.length > 0
      ? parts.join("\nunion all\n")
      : "select null::varchar as account_id, null::date as week_start, null::varchar as measure_id, null::double as raw_value limit 0";
  await db.run(`create or replace table calibrate_book_values as ${render(sqlFile("calibrate/calibrate_book_values.sql"), { values })}`);
}

/** `table`: the candidates' raw values and book ranks on the account-weeks of `weeks`, with their label. */
async function createValues(db: Database, table: string, weeks: string): Promise<void> {
  await db.run(`create or replace table ${ident(table)} as ${render(sqlFile("calibrate/calibrate_values.sql"), { weeks: ident(weeks) })}`);
}

/**
 * The fit weeks: raw values (`values`) and book ranks (`pct`) per measure, NaN = none, and the
 * current formula's score (`score`, NaN = none).
 */
type Sample = {
  rows: number;
  ids: string[];
  values: Float64Array;
  pct: Float64Array;
  y: Uint8Array;
  asOf: Float64Array;
  score: Float64Array;
  /** Each row's account, numbered from 0 in account order. */
  account: Int32Array;
};

/**
 * The fit weeks (every `stride`-th calendar week, by account and week) with their label, as-of and
 * current score, and one measure matrix (row-major, NaN = none) per entry of `columns`: the
 * aggregate of measure `id` over `source` (joined by account and week as `v`).
 */
async function readFitWeeks(
  db: Database,
  stride: number,
  source: string,
  ids: readonly string[],
  columns: readonly ((id: string) => string)[],
): Promise<{ rows: number; y: Uint8Array; asOf: Float64Array; score: Float64Array; account: Int32Array; matrices: Float64Array[] }> {
  const selected = columns.flatMap((column, m) => ids.map((id, j) => `${column(literal(id))} as ${ident(`m${m}_${j}`)}`));
  const rows = await db.all<Record<string, number | boolean | string | null>>(
    render(sqlFile("calibrate/calibrate_fit_weeks.sql"), {
      source,
      columns: selected.length > 0 ? `, ${selected.join(", ")}` : "",
    }),
    { stride },
  );
  const k = ids.length;
  const matrices = columns.map(() => new Float64Array(rows.length * k));
  const y = new Uint8Array(rows.length);
  const asOf = new Float64Array(rows.length);
  const score = new Float64Array(rows.length);
  const account = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    account[i] = i > 0 && rows[i - 1]!.account_id === r.account_id ? account[i - 1]! : i > 0 ? account[i - 1]! + 1 : 0;
    y[i] = r.label ? 1 : 0;
    asOf[i] = r.as_of_ms as number;
    score[i] = typeof r.current_score === "number" ? r.current_score : Number.NaN;
    matrices.forEach((matrix, m) => {
      for (let j = 0; j < k; j++) {
        const v = r[`m${m}_${j}`];
        matrix[i * k + j] = typeof v === "number" ? v : Number.NaN;
      }
    });
  });
  return { rows: rows.length, y, asOf, score, account, matrices };
}

/** The fit weeks with each measure's raw value and book rank (NaN = none). */
async function loadFitSample(db: Database, ids: readonly string[], stride: number): Promise<Sample> {
  const { matrices, ...weeks } = await readFitWeeks(db, stride, "calibrate_fit_values", ids, [
    (id) => `max(v.raw_value) filter (where v.measure_id = ${id})`,
    (id) => `max(v.pct_value) filter (where v.measure_id = ${id})`,
  ]);
  return { ...weeks, ids: [...ids], values: matrices[0]!, pct: matrices[1]! };
}

/** What a candidate's score maps read: the raw value, or its percentile rank in the book that week. */
type Scale = "raw" | "book";
const SCALES: readonly Scale[] = ["book", "raw"];

/** The sample with `values` holding what maps on `scale` read. */
function viewOf(sample: Sample, scale: Scale): Sample {
  return scale === "book" ? { ...sample, values: sample.pct } : sample;
}

type FitContext = { candidates: readonly Candidate[]; options: CalibrateOptions; horizonDays: number };

/** A candidate formula: score maps and whole-number weights per category, and how each measure fared. */
type Scorecard = {
  id: CandidateId;
  kind: "binned" | "linear" | "reweighted";
  scale: Scale;
  maps: Map<string, FittedMap>;
  measures: MeasureFit[];
  categories: CalibratedCategory[];
  lambda: number;
  lambdaTried: { lambda: number; auc: number | null }[];
};

export type CandidateId = "binned_book" | "binned_raw" | "linear_book" | "linear_raw" | "current_reweighted" | "current";

const blankFit = (c: Candidate, rows: number): MeasureFit => ({
  measure: c.def.id,
  category: c.category,
  kept: false,
  reason: null,
  rows,
  auc_alone: null,
  better: null,
  catalogue_better: c.def.higherIsBetter ? "higher" : "lower",
  weight: 0,
  effective_weight: 0,
  coefficient: null,
  bins: [],
  no_data: null,
});

/**
 * The binned scorecard on `rows` of the sample (all when undefined): each measure's map from its
 * quantile bins `binRows` (made monotone, see bins.ts), then weights from a ridge logistic
 * regression on the scores, dropping measures whose coefficient is zero or reversed. `lambda`
 * null: chosen on `innerSplit`.
 */
function fitBinnedScorecard(
  sample: Sample,
  rows: Uint8Array | undefined,
  binRows: readonly (BinCount & { measure_id: string })[],
  minRows: number,
  scale: Scale,
  innerSplit: number | null,
  fixedLambda: number | null,
  { candidates, options, horizonDays }: FitContext,
): Scorecard {
  const maps = new Map<string, FittedMap>();
  const measures: MeasureFit[] = [];
  for (const c of candidates) {
    const bins = binRows.filter((b) => b.measure_id === c.def.id);
    const n = bins.reduce((s, b) => s + b.rows, 0);
    const base = blankFit(c, n);
    const noData = noDataCounts(sample, sample.ids.indexOf(c.def.id), rows);
    const map =
      n > 0
        ? fitScoreMap(bins, {
            minRows,
            smoothing: 5,
            preferHigher: c.def.higherIsBetter,
            ...(wantsMissingScore(noData.share) ? { noData } : {}),
          })
        : null;
    if (n === 0) base.reason = "no data before the split";
    else if (!map) base.reason = "no monotone signal (one bin, or every bin pools into one)";
    else {
      Object.assign(base, { auc_alone: map.auc, better: map.better, bins: map.blocks, no_data: map.missing ?? null });
      if ((map.auc ?? 0) < options.minSignalAuc)
        base.reason = `no signal: its score alone ranks churn at AUC ${fmt(map.auc)} before the split (needs ${options.minSignalAuc})`;
      else maps.set(c.def.id, map);
    }
    measures.push(base);
  }
  return weighScorecard(sample, rows, maps, measures, "binned", scale, innerSplit, fixedLambda, { candidates, options, horizonDays });
}

/**
 * Weights of a scorecard whose maps are fitted: a ridge logistic regression of churn on the
 * measures' scores over `rows`, a week without a value filled as the engine renormalises; a measure
 * whose coefficient is zero or reversed drops and the rest are refitted. `fixedLambda` null: the
 * penalty is chosen on `innerSplit`.
 */
function weighScorecard(
  sample: Sample,
  rows: Uint8Array | undefined,
  maps: Map<string, FittedMap>,
  measures: MeasureFit[],
  kind: Scorecard["kind"],
  scale: Scale,
  innerSplit: number | null,
  fixedLambda: number | null,
  { candidates, horizonDays }: FitContext,
): Scorecard {
  let kept = [...maps.keys()];
  const scoreDesign = (ids: string[], r?: Uint8Array, weights?: ReadonlyMap<string, number>, categoryOf?: ReadonlyMap<string, string>) =>
    designOf(sample, ids, r, (id, v) => mapScore(maps.get(id)!, v) / 100, weights && categoryOf ? { weights, categoryOf } : undefined);
  const lambdaTried: { lambda: number; auc: number | null }[] = [];
  const lambda = fixedLambda ?? chooseLambda(sample, innerSplit, horizonDays, (r) => scoreDesign(kept, r), lambdaTried);
  const categoryOf = new Map(candidates.map((c) => [c.def.id, c.category]));
  let fit: LogisticFit | null = null;
  let weights: Map<string, number> | undefined;
  for (let round = 0; kept.length > 0 && round < 5; round++) {
    // round 0 fills a missing score with the measure's mean; later rounds fill it as the engine
    // renormalises (the week's category score, else its health score) under the last round's
    // weights, so that the regression's combination is the engine's own
    fit = fitRidgeLogistic(scoreDesign(kept, rows, weights, categoryOf), lambda);
    // a higher score must mean less churn: the measures whose coefficient says otherwise drop
    // (all of them at once: one at a time refits the regression once per measure dropped, too slow
    // on a busy machine for a book with dozens of measures)
    const reversed = new Set(kept.filter((_, j) => fit!.coef[j]! >= 0));
    if (reversed.size > 0) {
      kept.forEach((id, j) => {
        if (!reversed.has(id)) return;
        const m = measures.find((x) => x.measure === id)!;
        m.reason = "no signal beside the other measures (its regression weight came out zero or reversed)";
        m.coefficient = fit!.coef[j]!;
      });
      kept = kept.filter((id) => !reversed.has(id));
      fit = null;
      weights = undefined;
      round = -1;
      continue;
    }
    const next = new Map(kept.map((id, j) => [id, -fit!.coef[j]!]));
    // the engine's fill has settled: refitting again would change nothing that matters
    const settled =
      weights !== undefined &&
      kept.every((id) => Math.abs(next.get(id)! - weights!.get(id)!) <= 1e-3 * Math.max(1e-9, Math.abs(weights!.get(id)!)));
    weights = next;
    if (settled) break;
  }
  const effective = new Map<string, number>();
  if (fit) kept.forEach((id, j) => effective.set(id, -fit!.coef[j]!));
  const categories = roundWeights(candidates, effective, measures);
  if (fit) kept.forEach((id, j) => (measures.find((m) => m.measure === id)!.coefficient = fit!.coef[j]!));
  for (const m of measures) m.kept = categories.some((c) => c.measures.some((x) => x.measure === m.measure));
  return {
    id: kind === "reweighted" ? "current_reweighted" : `${kind}_${scale}`,
    kind,
    scale,
    maps,
    measures,
    categories,
    lambda,
    lambdaTried,
  };
}

/**
 * The linear scorecard: the fitted peer on values alone (ridge logistic regression on clipped,
 * standardised values of `rows`) written as a formula. Each measure's map is a straight line over
 * its clip range, 0 at the end the peer's coefficient calls riskier and 100 at the other; the
 * weights are then fitted on those scores as for the binned scorecard (weighScorecard), so that no
 * data is renormalised as the engine does. With every measure present and the peer's weights the
 * score would be the peer's log-odds rescaled.
 */
function fitLinearScorecard(
  sample: Sample,
  rows: Uint8Array | undefined,
  scale: Scale,
  innerSplit: number | null,
  fixedLambda: number | null,
  context: FitContext,
): Scorecard {
  const { candidates, horizonDays } = context;
  const model = fitPeer(
    sample,
    candidates.map((c) => c.def.id),
    innerSplit,
    horizonDays,
    true,
    rows,
    fixedLambda,
  );
  const maps = new Map<string, FittedMap>();
  const measures: MeasureFit[] = [];
  for (const c of candidates) {
    const j = sample.ids.indexOf(c.def.id);
    let n = 0;
    let positives = 0;
    for (let r = 0; r < sample.rows; r++) {
      if ((rows && !rows[r]) || Number.isNaN(sample.values[r * sample.ids.length + j]!)) continue;
      n++;
      positives += sample.y[r]!;
    }
    const base = blankFit(c, n);
    measures.push(base);
    const f = model.features.find((x) => x.id === c.def.id);
    if (n === 0) base.reason = "no data before the split";
    else if (!f) base.reason = "one value only before the split";
    else {
      base.coefficient = f.coef;
      const lo = roundSignificant(f.lo, 4);
      const hi = roundSignificant(f.hi, 4);
      if (!(hi > lo) || f.coef === 0) {
        base.reason = "no signal (its regression weight came out zero)";
        continue;
      }
      const better = f.coef < 0 ? "higher" : "lower";
      const points: [number, number][] =
        better === "higher"
          ? [
              [lo, 0],
              [hi, 100],
            ]
          : [
              [lo, 100],
              [hi, 0],
            ];
      const risk: number[] = [];
      const y: number[] = [];
      for (let r = 0; r < sample.rows; r++) {
        const v = sample.values[r * sample.ids.length + j]!;
        if ((rows && !rows[r]) || Number.isNaN(v)) continue;
        risk.push(-pointsScore(points, v));
        y.push(sample.y[r]!);
      }
      const auc = rankAuc(risk, y);
      Object.assign(base, { better, auc_alone: auc });
      const line: FittedMap = { better, blocks: [], points, auc, rows: n, positives };
      const noData = noDataCounts(sample, j, rows);
      // the peer's missing-value term, where it has one, is the line's no-data score
      const map = f.missing !== 0 && wantsMissingScore(noData.share) ? lineWithMissing(line, f, noData) : line;
      base.no_data = map.missing ?? null;
      maps.set(c.def.id, map);
    }
  }
  // the peer's coefficients fix each line's direction; the weights are refitted on the lines'
  // scores with no data renormalised as the engine does (the peer fills it with the mean)
  return weighScorecard(sample, rows, maps, measures, "linear", scale, innerSplit, fixedLambda, context);
}

/**
 * A candidate formula's score on every sample row as the engine computes it (NaN: no data): a
 * category is the weighted mean of its measures with a value, the score the weighted mean of the
 * categories with data. Caps aside.
 */
function formulaScores(sample: Sample, card: Scorecard): Float64Array {
  const k = sample.ids.length;
  const parts = card.categories.flatMap((c) =>
    c.measures.map((m) => ({
      category: c.id,
      categoryWeight: c.weight,
      weight: m.weight,
      j: sample.ids.indexOf(m.measure),
      map: card.maps.get(m.measure)!,
    })),
  );
  const out = new Float64Array(sample.rows);
  const sums = new Map<string, [number, number, number]>();
  for (let r = 0; r < sample.rows; r++) {
    sums.clear();
    // as the engine: a week with a value for no measure has no score, missing scores aside
    if (parts.every((p) => Number.isNaN(sample.values[r * k + p.j]!))) {
      out[r] = Number.NaN;
      continue;
    }
    for (const p of parts) {
      const score = mapScore(p.map, sample.values[r * k + p.j]!);
      if (Number.isNaN(score)) continue;
      const s = sums.get(p.category) ?? [0, 0, p.categoryWeight];
      s[0] += p.weight * score;
      s[1] += p.weight;
      sums.set(p.category, s);
    }
    let total = 0;
    let weight = 0;
    for (const [sum, w, cw] of sums.values()) {
      if (!(w > 0) || !(cw > 0)) continue;
      total += (cw * sum) / w;
      weight += cw;
    }
    out[r] = weight > 0 ? total / weight : Number.NaN;
  }
  return out;
}

type CandidateScore = { candidate: CandidateId; scores: Float64Array };

/** The later part of the inner split with a current-formula score. */
function innerScoredRows(sample: Sample, late: Uint8Array): Uint8Array {
  const rows = new Uint8Array(sample.rows);
  for (let r = 0; r < sample.rows; r++) rows[r] = late[r] && !Number.isNaN(sample.score[r]!) ? 1 : 0;
  return rows;
}

export type CandidateChoice = {
  /** What calibrate wrote: a fitted scorecard, or the current formula with only its tiers recalibrated. */
  chosen: CandidateId;
  inner_split: string | null;
  /** AUC on the later part of the fit period (the weeks every candidate scores), each candidate fitted on its earlier part only. */
  inner_auc: { candidate: CandidateId; auc: number | null; auc_within_week: number | null }[];
  rule: string;
  /** The candidate kept unless another beats it by more than `margin` (its AUC's standard error on the inner split). */
  reference: CandidateId | null;
  margin: number | null;
};

/** The candidate built like the fitted peer (its coefficients as straight-line maps, its missing-value terms as no-data scores). */
const REFERENCE: CandidateId = "linear_raw";

export const CANDIDATE_LABELS: Record<CandidateId, string> = {
  binned_book: "binned scorecard on book ranks",
  binned_raw: "binned scorecard on raw values",
  linear_book: "linear scorecard on book ranks",
  linear_raw: "linear scorecard on raw values",
  current_reweighted: "the current formula's measures and score maps, weights refitted",
  current: "the current formula, only its tiers recalibrated",
};

/**
 * Which formula to write, chosen on the inner time split of the fit period (the later period is
 * never read): each scorecard refitted on the split's earlier part, and the current formula as it
 * is, judged by AUC within weeks (withinWeekAuc) on the later part over the weeks all of them score. The best wins (ties: the
 * earlier in SCALES x binned, linear, then the current formula). Without an inner split (too few
 * churned weeks to judge on), the binned scorecard on book ranks.
 */
function chooseCandidate(
  cards: readonly Scorecard[],
  inner: readonly CandidateScore[],
  innerRows: Uint8Array | null,
  sample: Sample,
  innerSplit: number | null,
): CandidateChoice {
  const rule = "each candidate fitted on the earlier part of the fit period, judged by AUC within weeks on its later part";
  const usable = cards.filter((c) => c.categories.length > 0);
  if (innerSplit === null || innerRows === null || inner.length === 0) {
    const fallback = usable.find((c) => c.id === "binned_book") ?? usable[0];
    return {
      chosen: fallback?.id ?? "current",
      inner_split: null,
      inner_auc: [],
      rule: `no inner split with enough churned weeks: the ${CANDIDATE_LABELS[fallback?.id ?? "current"]}`,
      reference: null,
      margin: null,
    };
  }
  const scored = [
    ...inner.filter((s) => usable.some((c) => c.id === s.candidate)),
    { candidate: "current" as const, scores: sample.score },
  ];
  const common: number[] = [];
  for (let r = 0; r < sample.rows; r++) if (innerRows[r] && scored.every((s) => !Number.isNaN(s.scores[r]!))) common.push(r);
  const y = common.map((r) => sample.y[r]!);
  const inner_auc = scored.map((s) => ({
    candidate: s.candidate,
    auc: rankAuc(
      common.map((r) => -s.scores[r]!),
      y,
    ),
    auc_within_week: withinWeekAuc(
      common.map((r) => -s.scores[r]!),
      y,
      common.map((r) => sample.asOf[r]!),
    ),
  }));
  // the reference: the linear scorecard on raw values, the fitted peer written as a formula
  const reference: CandidateId = inner_auc.some((a) => a.candidate === REFERENCE && a.auc_within_week !== null) ? REFERENCE : "current";
  const churned = new Set<number>();
  const seen = new Set<number>();
  for (const r of common) {
    seen.add(sample.account[r]!);
    if (sample.y[r]) churned.add(sample.account[r]!);
  }
  const refAuc = inner_auc.find((a) => a.candidate === reference)?.auc_within_week ?? null;
  const margin = refAuc === null ? 0 : aucStandardError(refAuc, churned.size, seen.size - churned.size);
  const chosen =
    chooseOverReference(
      inner_auc.map((a) => ({ candidate: a.candidate, auc: a.auc_within_week })),
      reference,
      margin,
    ) ?? "current";
  return {
    chosen,
    inner_split: new Date(innerSplit).toISOString().slice(0, 10),
    inner_auc,
    rule: `${rule}; the ${CANDIDATE_LABELS[reference]} is kept unless another beats it by more than the standard error of its AUC (${margin.toFixed(3)}, over ${churned.size} churned and ${seen.size - churned.size} surviving accounts)`,
    reference,
    margin,
  };
}

/**
 * AUC within weeks: of the (churned, surviving) pairs of the same week, the share the risk ranks
 * right (ties one half), pooled over the weeks. A season that moves every account at once moves no
 * pair, so a candidate is not judged on how the inner split's weeks happen to fall in the year.
 */
export function withinWeekAuc(risk: readonly number[], y: readonly number[], week: readonly number[]): number | null {
  const byWeek = new Map<number, number[]>();
  week.forEach((w, i) => byWeek.set(w, [...(byWeek.get(w) ?? []), i]));
  let wins = 0;
  let pairs = 0;
  for (const rows of byWeek.values()) {
    const positives = rows.filter((i) => y[i]).length;
    const negatives = rows.length - positives;
    if (positives === 0 || negatives === 0) continue;
    const auc = rankAuc(
      rows.map((i) => risk[i]!),
      rows.map((i) => y[i]!),
    )!;
    wins += auc * positives * negatives;
    pairs += positives * negatives;
  }
  return pairs > 0 ? wins / pairs : null;
}

/**
 * The current formula's score of each of its measures on the fit weeks of the sample (same rows,
 * same order as loadFitSample), from the engine's int_measure_scores (0-100, NaN = no data), with
 * each measure as a candidate in its category.
 */
async function loadCurrentScores(
  db: Database,
  formula: LoadedFormula,
  stride: number,
): Promise<{ sample: Sample; candidates: Candidate[] }> {
  const candidates: Candidate[] = [];
  for (const c of formula.formula.categories) {
    if (!(c.weight > 0)) continue;
    for (const m of c.measures) {
      const def = MEASURES.find((x) => x.id === m.measure);
      if (def && m.weight > 0) candidates.push({ def, category: c.id });
    }
  }
  const ids = candidates.map((c) => c.def.id);
  const { matrices, ...weeks } = await readFitWeeks(db, stride, "int_measure_scores", ids, [
    (id) => `max(v.score) filter (where v.measure_id = ${id})`,
  ]);
  return { sample: { ...weeks, ids, values: matrices[0]!, pct: matrices[0]! }, candidates };
}

/** The current formula with its weights refitted on `rows`: its measures' scores are the sample's values, read as they are. */
function reweightCurrent(
  sample: Sample,
  rows: Uint8Array | undefined,
  innerSplit: number | null,
  fixedLambda: number | null,
  context: FitContext,
): Scorecard {
  const maps = new Map<string, FittedMap>();
  const measures: MeasureFit[] = [];
  for (const c of context.candidates) {
    const j = sample.ids.indexOf(c.def.id);
    let n = 0;
    let positives = 0;
    const risk: number[] = [];
    const y: number[] = [];
    for (let r = 0; r < sample.rows; r++) {
      const v = sample.values[r * sample.ids.length + j]!;
      if ((rows && !rows[r]) || Number.isNaN(v)) continue;
      n++;
      positives += sample.y[r]!;
      risk.push(-v);
      y.push(sample.y[r]!);
    }
    const base = blankFit(c, n);
    measures.push(base);
    const auc = rankAuc(risk, y);
    if (n === 0) base.reason = "no data before the split";
    else if (auc === null || new Set(risk).size < 2) base.reason = "one score only before the split";
    else {
      Object.assign(base, { auc_alone: auc, better: c.def.higherIsBetter ? "higher" : "lower" });
      maps.set(c.def.id, {
        better: base.better!,
        blocks: [],
        points: [
          [0, 0],
          [100, 100],
        ],
        auc,
        rows: n,
        positives,
      });
    }
  }
  return weighScorecard(sample, rows, maps, measures, "reweighted", "raw", innerSplit, fixedLambda, context);
}

/** The current formula's score map of `measure`, as written. */
function currentScoreOf(formula: LoadedFormula, measure: string): unknown {
  for (const c of formula.formula.categories) for (const m of c.measures) if (m.measure === measure) return m.score;
  return undefined;
}

/** The current formula's measures as kept (with their effective weights), the other candidates as not. */
function currentMeasures(formula: LoadedFormula, candidates: readonly Candidate[]): MeasureFit[] {
  const uses = new Map(
    formula.formula.categories.flatMap((c) =>
      c.measures.map((m) => [m.measure, { weight: m.weight, effective: (c.weight * m.weight) / 100 }] as const),
    ),
  );
  return candidates.map((c) => {
    const m = blankFit(c, 0);
    const use = uses.get(c.def.id) ?? [...uses].find(([id]) => MEASURES.find((x) => x.id === id)?.netOf === c.def.id)?.[1];
    if (use) Object.assign(m, { kept: true, weight: use.weight, effective_weight: use.effective });
    else m.reason = "not in the current formula, which was kept";
    return m;
  });
}

/**
 * A design matrix of the sample's `rows` (all when undefined) over measures `ids`, each value
 * mapped by `map`. A week without a value gets the column's mean over the weeks that have one, or,
 * with `engine` weights, what the engine's renormalisation amounts to: the week's score of the
 * measure's category (its measures with data, weighted), else the week's score over every measure
 * with data, so that sum(weight x column) / sum(weight) is the engine's uncapped score.
 */
function designOf(
  sample: Sample,
  ids: readonly string[],
  rows: Uint8Array | undefined,
  map: (id: string, value: number) => number,
  engine?: { weights: ReadonlyMap<string, number>; categoryOf: ReadonlyMap<string, string> },
): Design {
  const cols = ids.map((id) => sample.ids.indexOf(id));
  const k = ids.length;
  const index: number[] = [];
  for (let r = 0; r < sample.rows; r++) if (!rows || rows[r]) index.push(r);
  const x = new Float64Array(index.length * k);
  const y = new Uint8Array(index.length);
  const means = ids.map((id, j) => {
    let sum = 0;
    let n = 0;
    index.forEach((r, i) => {
      const v = sample.values[r * sample.ids.length + cols[j]!]!;
      const s = map(id, v);
      x[i * k + j] = s;
      if (!Number.isNaN(s)) {
        sum += s;
        n++;
      }
    });
    return n > 0 ? sum / n : 0;
  });
  const weight = ids.map((id) => engine?.weights.get(id) ?? 0);
  const category = ids.map((id) => engine?.categoryOf.get(id) ?? "");
  for (let i = 0; i < index.length; i++) {
    y[i] = sample.y[index[i]!]!;
    let all = 0;
    let allWeight = 0;
    const byCategory = new Map<string, [number, number]>();
    if (engine) {
      for (let j = 0; j < k; j++) {
        const s = x[i * k + j]!;
        if (Number.isNaN(s) || !(weight[j]! > 0)) continue;
        all += weight[j]! * s;
        allWeight += weight[j]!;
        const c = byCategory.get(category[j]!) ?? [0, 0];
        c[0] += weight[j]! * s;
        c[1] += weight[j]!;
        byCategory.set(category[j]!, c);
      }
    }
    for (let j = 0; j < k; j++) {
      if (!Number.isNaN(x[i * k + j]!)) continue;
      const c = byCategory.get(category[j]!);
      x[i * k + j] = c && c[1] > 0 ? c[0] / c[1] : allWeight > 0 ? all / allWeight : means[j]!;
    }
  }
  return { rows: index.length, cols: k, x, y };
}

/**
 * The as_of (ms) splitting the fit weeks in two with the same horizon gap as the outer split, so
 * that about 60% of their churned weeks can be fitted on before it and 40% judged after it (the
 * split maximising min(before / 0.6, after / 0.4)), or null when either side would hold fewer than
 * 40 and 20 churned weeks.
 */
function innerSplitOf(sample: Sample, horizonDays: number): number | null {
  const positives = [...sample.asOf.filter((_, i) => sample.y[i] === 1)].sort((a, b) => a - b);
  const gap = horizonDays * 86_400_000;
  const candidates = [...new Set(sample.asOf)].sort((a, b) => a - b);
  let best: { split: number; score: number; earlier: number; later: number } | null = null;
  for (const split of candidates) {
    const earlier = positives.filter((t) => t + gap <= split).length;
    const later = positives.filter((t) => t >= split).length;
    const score = Math.min(earlier / 0.6, later / 0.4);
    if (!best || score > best.score) best = { split, score, earlier, later };
  }
  return best && best.earlier >= 40 && best.later >= 20 ? best.split : null;
}

/** Ridge penalty with the best AUC on the later part of the fit period, fitted on its earlier part. */
function chooseLambda(
  sample: Sample,
  innerSplit: number | null,
  horizonDays: number,
  design: (rows: Uint8Array) => Design,
  tried: { lambda: number; auc: number | null }[],
): number {
  if (innerSplit === null) return DEFAULT_LAMBDA;
  const gap = horizonDays * 86_400_000;
  const early = new Uint8Array(sample.rows);
  const late = new Uint8Array(sample.rows);
  for (let r = 0; r < sample.rows; r++) {
    early[r] = sample.asOf[r]! + gap <= innerSplit ? 1 : 0;
    late[r] = sample.asOf[r]! >= innerSplit ? 1 : 0;
  }
  const train = design(early);
  const test = design(late);
  if (train.cols === 0) return DEFAULT_LAMBDA;
  let best = DEFAULT_LAMBDA;
  let bestAuc = Number.NEGATIVE_INFINITY;
  for (const lambda of LAMBDAS) {
    const fit = fitRidgeLogistic(train, lambda);
    const auc = rankAuc(linearPredictor(test, fit), test.y);
    tried.push({ lambda, auc });
    if (auc !== null && auc > bestAuc + 1e-4) {
      bestAuc = auc;
      best = lambda;
    }
  }
  return best;
}

export type PeerFeature = { id: string; center: number; scale: number; lo: number; hi: number; coef: number; missing: number };

/** The fitted peer: ridge logistic regression on clipped, standardised raw values plus missing-value terms. */
function fitPeer(
  sample: Sample,
  ids: readonly string[],
  innerSplit: number | null,
  horizonDays: number,
  indicators = true,
  only?: Uint8Array,
  fixedLambda: number | null = null,
): { features: PeerFeature[]; intercept: number; lambda: number } {
  let used = 0;
  for (let r = 0; r < sample.rows; r++) if (!only || only[r]) used++;
  const stats = ids
    .map((id) => {
      const j = sample.ids.indexOf(id);
      const present: number[] = [];
      for (let r = 0; r < sample.rows; r++) {
        if (only && !only[r]) continue;
        const v = sample.values[r * sample.ids.length + j]!;
        if (!Number.isNaN(v)) present.push(v);
      }
      present.sort((a, b) => a - b);
      if (present.length < 10) return null;
      const lo = present[Math.floor(0.01 * (present.length - 1))]!;
      const hi = present[Math.ceil(0.99 * (present.length - 1))]!;
      const clipped = present.map((v) => Math.min(hi, Math.max(lo, v)));
      const center = clipped.reduce((s, v) => s + v, 0) / clipped.length;
      const scale = Math.sqrt(clipped.reduce((s, v) => s + (v - center) ** 2, 0) / clipped.length);
      if (!(scale > 1e-12)) return null;
      const missingShare = 1 - present.length / Math.max(1, used);
      return { id, j, lo, hi, center, scale, indicator: indicators && missingShare > 0.01 && missingShare < 0.99 };
    })
    .filter((s) => s !== null);
  const cols = stats.length + stats.filter((s) => s.indicator).length;
  const design = (rows?: Uint8Array): Design => {
    const index: number[] = [];
    for (let r = 0; r < sample.rows; r++) if (!rows || rows[r]) index.push(r);
    const x = new Float64Array(index.length * cols);
    const y = new Uint8Array(index.length);
    index.forEach((r, i) => {
      y[i] = sample.y[r]!;
      let c = 0;
      for (const s of stats) {
        const v = sample.values[r * sample.ids.length + s.j]!;
        x[i * cols + c++] = Number.isNaN(v) ? 0 : (Math.min(s.hi, Math.max(s.lo, v)) - s.center) / s.scale;
        if (s.indicator) x[i * cols + c++] = Number.isNaN(v) ? 1 : 0;
      }
    });
    return { rows: index.length, cols, x, y };
  };
  if (cols === 0) return { features: [], intercept: 0, lambda: DEFAULT_LAMBDA };
  const lambda = fixedLambda ?? chooseLambda(sample, innerSplit, horizonDays, design, []);
  const fit = fitRidgeLogistic(design(only), lambda);
  let c = 0;
  const features = stats.map((s) => {
    const coef = fit.coef[c++]!;
    const missing = s.indicator ? fit.coef[c++]! : 0;
    return { id: s.id, center: s.center, scale: s.scale, lo: s.lo, hi: s.hi, coef, missing };
  });
  return { features, intercept: fit.intercept, lambda };
}

/**
 * Whole-number weights from the effective weights: each category's share of the total, each
 * measure's share of its category, by largest remainder. A measure (or category) whose weight
 * rounds to 0 drops, and the rest are rounded again.
 */
function roundWeights(
  candidates: readonly Candidate[],
  effective: ReadonlyMap<string, number>,
  measures: MeasureFit[],
): CalibratedCategory[] {
  const live = new Map(effective);
  for (;;) {
    const total = [...live.values()].reduce((s, v) => s + v, 0);
    if (!(total > 0)) return [];
    const categoryIds = [...new Set(candidates.filter((c) => live.has(c.def.id)).map((c) => c.category))];
    const categoryWeights = largestRemainder(
      categoryIds.map(
        (id) => candidates.filter((c) => c.category === id && live.has(c.def.id)).reduce((s, c) => s + live.get(c.def.id)!, 0) / total,
      ),
    );
    let dropped = false;
    const out: CalibratedCategory[] = [];
    categoryIds.forEach((id, ci) => {
      const members = candidates.filter((c) => c.category === id && live.has(c.def.id));
      const sum = members.reduce((s, c) => s + live.get(c.def.id)!, 0);
      const weights = largestRemainder(members.map((c) => live.get(c.def.id)! / sum));
      members.forEach((c, mi) => {
        if (weights[mi] === 0 || categoryWeights[ci] === 0) {
          live.delete(c.def.id);
          measures.find((m) => m.measure === c.def.id)!.reason = "its weight rounds to 0";
          dropped = true;
        }
      });
      out.push({
        id,
        weight: categoryWeights[ci]!,
        measures: members.map((c, mi) => ({ measure: c.def.id, weight: weights[mi]!, points: [], comment: [] })),
      });
    });
    if (dropped) continue;
    for (const c of out) {
      for (const m of c.measures) {
        const fit = measures.find((x) => x.measure === m.measure)!;
        fit.weight = m.weight;
        fit.effective_weight = (c.weight * m.weight) / 100;
      }
    }
    return out;
  }
}

/** Shares (summing to 1) as whole numbers summing to 100, largest remainders first (ties: earlier). */
function largestRemainder(shares: readonly number[]): number[] {
  const raw = shares.map((s) => s * 100);
  const out = raw.map((v) => Math.floor(v + 1e-9));
  let rest = 100 - out.reduce((s, v) => s + v, 0);
  const order = raw.map((v, i) => ({ i, frac: v - Math.floor(v + 1e-9) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    out[i]! += 1;
    rest--;
  }
  return out;
}

function buildFormula(
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

function rangeText(b: Block): string {
  const lo = roundSignificant(b.lower, 3);
  const hi = roundSignificant(b.upper, 3);
  return lo === hi ? `${lo}` : `${lo}..${hi}`;
}

function headerLines(
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
              "Each line's direction is the sign of the measure's coefficient in a ridge logistic regression on all the",
              `standardised values; weights from a ridge logistic regression (IRLS, penalty ${lambda}) of churn on the lines' scores;`,
              "a measure's effective weight (category weight x measure weight / 100) is its coefficient's share.",
            ];
  return [
    `Calibrated by health calibrate from ${path.basename(formula.file)} (${formula.hash}), churn within ${horizonLabel(options.horizonDays)}.`,
    `Fitted only on account-weeks whose churn horizon ended by ${split} (${chosen.fit_churned} churned and ${chosen.fit_survivors} surviving accounts); nothing later was read.`,
    ...how,
    `Tiers: watch or worse flags at most ${pct(options.falseAlarmBudget)} of the fit period's non-churned weeks (${pct(cutoffs.fit.watch_recall)} of churned weeks caught);`,
    `at risk churned ${times(cutoffs.fit.at_risk_lift)} the base rate there, ${times(cutoffs.fit.at_risk_lift_lower)} at the lower 95% bound over its ${cutoffs.fit.at_risk_accounts} accounts`,
    `(the largest band whose bound reaches the ${options.atRiskLift}x target, so that it holds on later weeks).`,
  ];
}

function choiceLines(choice: CandidateChoice): string[] {
  if (choice.inner_split === null) return [`Candidate: ${choice.rule}.`];
  return [
    `Candidate chosen on an inner split of the fit period at ${choice.inner_split} (${choice.rule}): ${CANDIDATE_LABELS[choice.chosen]}.`,
    `  AUC within weeks there: ${choice.inner_auc.map((a) => `${a.candidate} ${fmt(a.auc_within_week)}`).join(", ")}.`,
  ];
}

function tierCommentLines(cutoffs: Cutoffs, options: CalibrateOptions): string[] {
  return [
    `Calibrated cut-offs: below ${cutoffs.watch_below} is watch or worse (at most ${pct(options.falseAlarmBudget)} of non-churned fit weeks), below ${cutoffs.at_risk_below} at risk.`,
  ];
}

function mergeCategoryWeights(current: LoadedFormula, calibrated: LoadedFormula): CalibrateReport["categories"] {
  const ids = [...new Set([...current.formula.categories.map((c) => c.id), ...calibrated.formula.categories.map((c) => c.id)])];
  return ids.map((id) => ({
    id,
    current: current.formula.categories.find((c) => c.id === id)?.weight ?? 0,
    calibrated: calibrated.formula.categories.find((c) => c.id === id)?.weight ?? 0,
  }));
}

// the report's number formats are the printer's (src/core/records.ts)
export { fmt, pct, times };
export type { FlagFigures, PeriodFigures };
