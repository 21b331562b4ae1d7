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
 *   3. Weights (logistic.ts): a ridge logistic regression of churn on those scores (a linear
 *      scorecard takes the fitted peer's own coefficients instead); the penalty is chosen on a time
 *      split inside the fit period. A measure's effective weight is its
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
import { ident, type Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { computeHealth, enginePhases } from "../health/engine.ts";
import { loadFormulaTables } from "../health/formula-tables.ts";
import { MEASURES, measureHasTables } from "../health/measures.ts";
import { InputError } from "../errors.ts";
import type { IngestResult } from "../ingest/ingest.ts";
import { render, sqlFile } from "../sql/files.ts";
import type { BinCount, FittedMap } from "./bins.ts";
import { lineDiff } from "./formula-text.ts";
import { fixed as fmt, percent as pct, times } from "../core/records.ts";
import { periodFigures, type FlagFigures, type PeriodFigures } from "./figures.ts";
import { CANDIDATE_LABELS, chooseCandidate, innerScoredRows, withinWeekAuc, type CandidateScore } from "./candidates.ts";
import { buildFormula, choiceLines, headerLines, mergeCategoryWeights, tierCommentLines } from "./formula-lines.ts";
import { DEFAULT_LAMBDA, fitPeer } from "./peer.ts";
import { createBookValues, createValues, innerSplitOf, loadCurrentScores, loadFitSample, SCALES, viewOf } from "./sample.ts";
import { currentMeasures, fitBinnedScorecard, fitLinearScorecard, formulaScores, reweightCurrent } from "./scorecards.ts";
import { chooseSplit, ruleText } from "./splits.ts";
import { atRiskMinChurned, chooseCutoffs, tierMins } from "./tiers.ts";
import type {
  CalibrateOptions,
  MeasureFit,
  CalibrateReport,
  Candidate,
  FitContext,
  Scorecard,
  Scale,
  CandidateChoice,
  CandidateId,
  PeerFeature,
} from "./types.ts";

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

export type CalibrateResult = { report: CalibrateReport; formulaText: string; diff: string };

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
  await createBookValues(db, formula, candidates);
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
  // the calibrated formula's text with given tiers and comments: a draft with the current tiers scores
  // the book, the final one carries the tiers chosen on those scores
  const formulaWith = (tiers: Record<string, number>, header: string[], tierComments: string[]) =>
    buildFormula(currentText, formula, categories, card?.scale ?? "raw", card?.kind ?? null, maps, measures, tiers, header, tierComments);
  const draft = formulaWith(Object.fromEntries(tierIds.map((id, i) => [id, currentMins[i]!])), [], []);
  onProgress("re-scoring the book with the calibrated formula");
  await dropRestoredModels(db);
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
      minChurnedAccounts: atRiskMinChurned(chosen.fit_churned),
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
  const final = formulaWith(tierMinById, header, tierCommentLines(cutoffs, options));
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
              : `straight-line score maps over each measure's ${card.scale === "book" ? "percentile rank in the book that week" : "raw value"} (clipped to its 1st-99th percentile), direction and weight from the fitted peer (a ridge logistic regression on the standardised values, the penalty chosen on a time split inside the fit period): each weight is |coefficient| / (standard deviation x line slope), so the score ranks weeks as the peer's log-odds do`,
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

/**
 * A run restored from a data snapshot (src/health/snapshot.ts) holds the engine's spine and measure
 * models as views over the read-only snapshot; the re-score builds them again as tables (the
 * calibrated formula may need measures the snapshot's int_measure_values does not unpivot), which
 * needs the views gone first.
 */
async function dropRestoredModels(db: Database): Promise<void> {
  const phases = enginePhases();
  const models = new Set([...phases.portfolio, ...phases.measures].map((m) => m.name));
  const views = await db.all<{ name: string }>(
    "select view_name as name from duckdb_views() where not internal and database_name = current_database() and schema_name = 'main'",
  );
  for (const v of views) if (models.has(v.name)) await db.run(`drop view ${ident(v.name)}`);
}

/** The book has a usable split but nothing to fit: exit 3 with the reason. */
export class CalibrationError extends InputError {
  override name = "CalibrationError";
}

/**
 * Catalogue measures whose tables the book has, each in the category that will hold it. A measure
 * the catalogue also has net of the book (a trend) is a candidate in that form only: a movement
 * that hits every account the same week (a season, a holiday) is not risk, and a map fitted on the
 * base would learn the season of the fit period.
 */
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
  const netted = new Set(MEASURES.flatMap((m) => (m.netOf === undefined ? [] : [m.netOf])));
  return MEASURES.filter((m) => measureHasTables(m, present) && !netted.has(m.id))
    .map((def) => ({ def, category: categoryOf.get(def.id) ?? categoryOf.get(def.netOf ?? "") ?? familyCategory.get(def.family) ?? "" }))
    .filter((c) => c.category !== "");
}

// the report's number formats are the printer's (src/core/records.ts)
export { fmt, pct, times };
export type { CalibrateOptions, CalibrateReport, CandidateChoice, CandidateId, FlagFigures, MeasureFit, PeerFeature, PeriodFigures };
export { CANDIDATE_LABELS, withinWeekAuc };
