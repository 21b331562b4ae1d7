/**
 * `health tune`: fit the formula's category weights on an earlier period and report what they do
 * on a later one. The split is an instant (a date, 00:00 UTC):
 *   - the fit sees only account-weeks whose label horizon ended by the split (their labels depend
 *     on churn before it), read from one table, `tune_fit`, built before the search starts;
 *   - the evaluation uses the weeks whose score became known at or after the split (`tune_eval`),
 *     read only after the weights are chosen.
 * Scores under new weights are re-combined from the precomputed category scores (recombine.ts);
 * the measures, caps and tiers stay as they are.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/duckdb.ts";
import type { LoadedFormula } from "../formula/load.ts";
import { render, sqlFile } from "../sql/files.ts";
import { BacktestDataError, createBacktestWeeks, createLeadTimes, emptyLeadTimeSummary, leadTimeSummaries, type LeadTimeSummary } from "./backtest.ts";
import { binnedAuc, blendWeights, loadFitData, SEARCH_DEFAULTS, searchWeights, SHRINKAGE_GRID, type SearchResult } from "./fit.ts";
import { aucByScope, scoreMetrics, tierFlags, type FlagMetrics } from "./metrics.ts";
import { horizonLabel } from "./options.ts";
import { formulaDiff, suggestedFormulaText } from "./suggest.ts";

export interface TuneOptions {
  horizonDays: number;
  /** Split date YYYY-MM-DD (00:00 UTC); null = the default split. */
  split: string | null;
  lookbackWeeks: number;
  /** Past this many fit weeks, keep every n-th calendar week (deterministic) to stay fast. */
  maxFitRows: number;
  /** Each side of the split needs at least this many churned accounts. */
  minChurned: number;
}

export const TUNE_DEFAULTS: TuneOptions = { horizonDays: 90, split: null, lookbackWeeks: 26, maxFitRows: 200_000, minChurned: 5 };

/** A later-period AUC must rise by more than this to count as raised. */
export const MIN_AUC_GAIN = 0.001;

export const SUGGESTED_FORMULA_FILE = "suggested-formula.yaml";
export const SUGGESTED_DIFF_FILE = "suggested-formula.diff";

export type SplitSide = { account_weeks: number; positives: number; churned_accounts: number; from_week_end: string | null; to_week_end: string | null };

export type PeriodFigures = {
  weights: Record<string, number>;
  auc: number | null;
  at_risk: FlagMetrics;
  at_risk_or_watch: FlagMetrics;
  top_decile_lift: number | null;
  lead_time: Omit<LeadTimeSummary, "histogram">;
};

export type TuneReport = {
  formula: { name: string; hash: string; file: string };
  horizon: string;
  horizon_days: number;
  split: { date: string; chosen: "given" | "default"; fit: SplitSide; evaluation: SplitSide };
  fit: {
    method: string;
    /** Every n-th calendar week of the fit period was used. */
    stride: number;
    weeks_used: number;
    moves: number;
    evaluations: number;
    /** Weights the search found on the whole fit period, before shrinkage. */
    searched_weights: Record<string, number>;
    shrinkage: Shrinkage;
    /** Exact AUC on the fit weeks: current, searched (before shrinkage) and suggested weights. */
    auc_current: number | null;
    auc_searched: number | null;
    auc_suggested: number | null;
  };
  weights: { id: string; label: string; current: number; suggested: number; change: number; has_fit_data: boolean }[];
  /** The later period; `searched` (the weights before shrinkage) is shown for reference only. */
  evaluation: { current: PeriodFigures; suggested: PeriodFigures; searched: PeriodFigures };
  improved: boolean;
  changed: boolean;
  verdict: string;
  /** Caveats worth reading before adopting the suggestion (tiers flag a different number of weeks...). */
  notes: string[];
  files: { formula: string; diff: string };
};

export type TuneResult = { report: TuneReport; formulaText: string; diff: string };

/**
 * How far the suggestion moves from the current weights toward the searched ones: the share
 * (alpha) whose weights, searched on the first part of the fit period, ranked best on its second
 * part; the evaluation period plays no part. `validated` is false when the fit period has too
 * little churn to split, and alpha is then 1.
 */
export type Shrinkage = {
  alpha: number;
  validated: boolean;
  inner_split: string | null;
  inner_fit_churned: number;
  inner_validation_churned: number;
  /** Inner-validation AUC (binned) for each alpha tried. */
  tried: { alpha: number; auc: number | null }[];
};

type SplitRow = { split: Date; fit_rows: number; fit_positives: number; fit_churned: number; eval_rows: number; eval_positives: number; eval_churned: number };

/**
 * Runs the whole tuning on the scored warehouse in `db`; creates tune_* tables on the way.
 * `formulaText` is the formula file's text (read from `formula.file` when not given).
 */
export async function buildTune(db: Database, formula: LoadedFormula, options: TuneOptions, formulaText?: string): Promise<TuneResult> {
  await createBacktestWeeks(db, { horizonDays: options.horizonDays, from: null, to: null });
  return tuneOnWeeks(db, formula, options, formulaText);
}

/**
 * The tuning proper, over an existing `backtest_weeks` table (labelled with `options.horizonDays`)
 * and the formula tables. The default split looks only at how many labelled weeks fall on each
 * side; the weights are then fitted on `tune_fit` alone, and `tune_eval` is created afterwards.
 */
export async function tuneOnWeeks(db: Database, formula: LoadedFormula, options: TuneOptions, formulaText?: string): Promise<TuneResult> {
  const split = await chooseSplit(db, options);
  const splitParam = split.split.toISOString().slice(0, 10);

  // The fit's only input: weeks whose horizon ended by the split.
  const stride = Math.max(1, Math.ceil(split.fit_rows / options.maxFitRows));
  await createSide(db, "tune_fit", "tune_fit_weeks.sql", "backtest_weeks", { horizon_days: options.horizonDays, split: splitParam, stride });
  const categories = formula.formula.categories;
  const ids = categories.map((c) => c.id);
  const current = categories.map((c) => c.weight);
  const fitted = await fitWeights(db, ids, current, options);
  const suggested = fitted.weights;

  // Only now is the later period read.
  await createSide(db, "tune_eval", "tune_eval_weeks.sql", "backtest_weeks", { split: splitParam });
  await db.run("create or replace table tune_weights (scope varchar, category_id varchar, weight double)");
  const scopes = { current, suggested, searched: fitted.search.weights } as const;
  for (const [scope, weights] of Object.entries(scopes)) {
    for (const [c, id] of ids.entries()) await db.run("insert into tune_weights values ($scope, $id, $weight)", { scope, id, weight: weights[c]! });
  }
  await db.run(`create or replace table tune_fit_scored as ${render(sqlFile("backtest/rescore.sql"), { weeks: "tune_fit" })}`);
  const fitAuc = await aucByScope(db, "tune_fit_scored");
  await db.run(`create or replace table tune_eval_scored as ${render(sqlFile("backtest/rescore.sql"), { weeks: "tune_eval" })}`);
  const tierIds = formula.formula.tiers.map((t) => t.id);
  const metrics = await scoreMetrics(db, "tune_eval_scored", tierIds);
  const flags = tierFlags(tierIds);
  for (const scope of Object.keys(scopes)) {
    await createLeadTimes(db, `tune_leads_${scope}`, `(select * from tune_eval_scored where scope = '${scope}')`, false, options.lookbackWeeks, flags.atRiskPosition);
  }
  await db.run(`create or replace temp table tune_leads as
    ${Object.keys(scopes).map((scope) => `select '${scope}' as scope, * from tune_leads_${scope}`).join(" union all ")}`);
  const leads = await leadTimeSummaries(db, "tune_leads", options.lookbackWeeks);

  const figures = (scope: keyof typeof scopes, weights: readonly number[]): PeriodFigures => {
    const m = metrics.get(scope);
    if (!m) throw new BacktestDataError(`no scored account-weeks after the split ${splitParam}`);
    const { histogram: _, ...lead } = leads.get(scope)?.atRisk ?? emptyLead();
    return {
      weights: Object.fromEntries(ids.map((id, c) => [id, weights[c]!])),
      auc: m.auc,
      at_risk: m.at_risk,
      at_risk_or_watch: m.at_risk_or_watch,
      top_decile_lift: m.top_decile_lift,
      lead_time: lead,
    };
  };
  const evaluation = { current: figures("current", current), suggested: figures("suggested", suggested), searched: figures("searched", fitted.search.weights) };
  const changed = suggested.some((w, c) => w !== current[c]);
  const fit = {
    method: "coordinate search over whole weight points (steps 16 to 1) from the current weights, maximising the rank AUC of the fit weeks, then shrunk toward the current weights by the share that did best in a time split inside the fit period",
    stride,
    weeks_used: fitted.rows,
    moves: fitted.search.moves,
    evaluations: fitted.evaluations,
    searched_weights: Object.fromEntries(ids.map((id, c) => [id, fitted.search.weights[c]!])),
    shrinkage: fitted.shrinkage,
    auc_current: fitAuc.get("current") ?? null,
    auc_searched: fitAuc.get("searched") ?? null,
    auc_suggested: fitAuc.get("suggested") ?? null,
  };
  const improved = changed && (evaluation.suggested.auc ?? 0) - (evaluation.current.auc ?? 0) > MIN_AUC_GAIN;
  const verdict = verdictText({ changed, improved, fit, evaluation, split, splitParam });
  const notes = tierNotes(evaluation);

  const currentText = formulaText ?? readFileSync(formula.file, "utf8");
  const header = [
    `Suggested by health tune from ${path.basename(formula.file)} (${formula.hash}): category weights fitted on`,
    `account-weeks whose ${horizonLabel(options.horizonDays)} churn horizon ended by ${splitParam}, evaluated on the weeks after it.`,
    `Later-period AUC: ${num(evaluation.current.auc)} with the current weights, ${num(evaluation.suggested.auc)} with these.`,
    improved ? "" : "Not an improvement on the later period: keep the current weights (see the verdict of health tune).",
  ].filter((line) => line !== "");
  const suggestedText = suggestedFormulaText(currentText, formula.file, Object.fromEntries(ids.map((id, c) => [id, suggested[c]!])), header);
  const diff = formulaDiff(currentText, suggestedText, `a/${path.basename(formula.file)}`, `b/${SUGGESTED_FORMULA_FILE}`);

  const side = (rows: number, positives: number, churned: number, range: { from_week_end: string | null; to_week_end: string | null } | undefined): SplitSide => ({
    account_weeks: rows,
    positives,
    churned_accounts: churned,
    from_week_end: range?.from_week_end ?? null,
    to_week_end: range?.to_week_end ?? null,
  });
  const range = (table: string) =>
    db.one<{ from_week_end: string | null; to_week_end: string | null }>(
      `select strftime(min(week_end), '%Y-%m-%d') as from_week_end, strftime(max(week_end), '%Y-%m-%d') as to_week_end from ${table}`,
    );
  const report: TuneReport = {
    formula: { name: formula.formula.name, hash: formula.hash, file: path.basename(formula.file) },
    horizon: horizonLabel(options.horizonDays),
    horizon_days: options.horizonDays,
    split: {
      date: splitParam,
      chosen: options.split ? "given" : "default",
      fit: side(split.fit_rows, split.fit_positives, split.fit_churned, await range("tune_fit")),
      evaluation: side(split.eval_rows, split.eval_positives, split.eval_churned, await range("tune_eval")),
    },
    fit,
    weights: categories.map((c, i) => ({
      id: c.id,
      label: c.label,
      current: current[i]!,
      suggested: suggested[i]!,
      change: suggested[i]! - current[i]!,
      has_fit_data: fitted.movable[i]!,
    })),
    evaluation,
    improved,
    changed,
    verdict,
    notes,
    files: { formula: SUGGESTED_FORMULA_FILE, diff: SUGGESTED_DIFF_FILE },
  };
  return { report, formulaText: suggestedText, diff };
}

type Fitted = { weights: number[]; movable: boolean[]; rows: number; search: SearchResult; shrinkage: Shrinkage; evaluations: number };

/**
 * Fits weights on `tune_fit` only: a search on the whole fit period, shrunk toward the current
 * weights by the alpha that does best when the same search is run on the fit period's first part
 * and judged on its second part (an inner time split with the same horizon gap).
 */
async function fitWeights(db: Database, ids: readonly string[], current: readonly number[], options: TuneOptions): Promise<Fitted> {
  const data = await loadFitData(db, "tune_fit", ids);
  const movable = ids.map((_, c) => {
    for (let r = 0; r < data.rows; r++) if (!Number.isNaN(data.scores[r * ids.length + c]!)) return true;
    return false;
  });
  const search = searchWeights(data, current, movable);
  let evaluations = search.evaluations;
  const shrinkage: Shrinkage = { alpha: 1, validated: false, inner_split: null, inner_fit_churned: 0, inner_validation_churned: 0, tried: [] };

  const inner = (await db.all<SplitRow>(render(sqlFile("backtest/tune_splits.sql"), { weeks: "tune_fit" }), { horizon_days: options.horizonDays, split: null }))
    .sort(bySplitBalance)[0];
  if (inner) {
    shrinkage.inner_split = inner.split.toISOString().slice(0, 10);
    shrinkage.inner_fit_churned = inner.fit_churned;
    shrinkage.inner_validation_churned = inner.eval_churned;
  }
  if (inner && Math.min(inner.fit_churned, inner.eval_churned) >= options.minChurned) {
    const params = { horizon_days: options.horizonDays, split: shrinkage.inner_split, stride: 1 };
    await createSide(db, "tune_inner_fit", "tune_fit_weeks.sql", "tune_fit", params);
    await createSide(db, "tune_inner_validation", "tune_eval_weeks.sql", "tune_fit", { split: shrinkage.inner_split });
    const innerFit = await loadFitData(db, "tune_inner_fit", ids);
    const innerValidation = await loadFitData(db, "tune_inner_validation", ids);
    const innerSearch = searchWeights(innerFit, current, movable);
    evaluations += innerSearch.evaluations;
    let best = Number.NEGATIVE_INFINITY;
    for (const alpha of SHRINKAGE_GRID) {
      const auc = binnedAuc(innerValidation, blendWeights(current, innerSearch.weights, alpha, movable));
      shrinkage.tried.push({ alpha, auc });
      if (auc !== null && auc > best + SEARCH_DEFAULTS.minGain) {
        best = auc;
        shrinkage.alpha = alpha;
      }
    }
    shrinkage.validated = true;
  }
  return { weights: blendWeights(current, search.weights, shrinkage.alpha, movable), movable, rows: data.rows, search, shrinkage, evaluations };
}

/** Creates `table` from one of the split SQL files over the `weeks` relation. */
async function createSide(db: Database, table: string, file: string, weeks: string, params: Record<string, string | number | null>): Promise<void> {
  await db.run(`create or replace table ${table} as ${render(sqlFile(`backtest/${file}`), { weeks })}`, params);
}

/**
 * Orders candidate splits best first: the most account-weeks followed by churn on the poorer side
 * (churned accounts alone favour splits that leave one side a few weeks long), then the earliest.
 */
function bySplitBalance(a: SplitRow, b: SplitRow): number {
  return Math.min(b.fit_positives, b.eval_positives) - Math.min(a.fit_positives, a.eval_positives) || a.split.getTime() - b.split.getTime();
}

/** The split row: the given one, or the best balanced one (bySplitBalance). */
async function chooseSplit(db: Database, options: TuneOptions): Promise<SplitRow> {
  const rows = await db.all<SplitRow>(render(sqlFile("backtest/tune_splits.sql"), { weeks: "backtest_weeks" }), { horizon_days: options.horizonDays, split: options.split });
  const pick = options.split
    ? rows.find((r) => r.split.toISOString().slice(0, 10) === options.split)
    : [...rows].sort(bySplitBalance)[0];
  if (!pick) throw new BacktestDataError("no scored account-weeks to split: nothing to tune");
  const where = `split ${pick.split.toISOString().slice(0, 10)} with a ${horizonLabel(options.horizonDays)} horizon`;
  if (pick.fit_churned < options.minChurned || pick.fit_rows - pick.fit_positives === 0) {
    throw new BacktestDataError(
      `${where}: only ${pick.fit_churned} churned accounts (${pick.fit_rows} account-weeks) before it to fit on; need at least ${options.minChurned}` +
        (options.split ? " (choose a later --split or a shorter --horizon)" : " (the history is too short or has too little churn)"),
    );
  }
  if (pick.eval_churned < options.minChurned || pick.eval_rows - pick.eval_positives === 0) {
    throw new BacktestDataError(
      `${where}: only ${pick.eval_churned} churned accounts (${pick.eval_rows} uncensored account-weeks) after it to evaluate on; need at least ${options.minChurned}` +
        (options.split ? " (choose an earlier --split or a shorter --horizon)" : " (the history is too short or has too little churn)"),
    );
  }
  return pick;
}

function verdictText(a: {
  changed: boolean;
  improved: boolean;
  fit: TuneReport["fit"];
  evaluation: TuneReport["evaluation"];
  split: SplitRow;
  splitParam: string;
}): string {
  const later = `${num(a.evaluation.current.auc)} -> ${num(a.evaluation.suggested.auc)}`;
  const earlier = `${num(a.fit.auc_current)} -> ${num(a.fit.auc_suggested)}`;
  const s = a.fit.shrinkage;
  if (!a.changed && a.fit.moves === 0) {
    return (
      `No change suggested: no move of weight between categories raises the AUC of the account-weeks before ${a.splitParam} ` +
      `(${num(a.fit.auc_current)} with the current weights), so the current weights are already the best this search finds on the earlier period.`
    );
  }
  if (!a.changed) {
    return (
      `No change suggested: the search raises the earlier-period AUC (${num(a.fit.auc_current)} -> ${num(a.fit.auc_searched)}), but the gain does not ` +
      `hold up over time inside that period: weights searched on its weeks before ${s.inner_split} (${s.inner_fit_churned} churned accounts) ` +
      `ranked its weeks after (${s.inner_validation_churned}) no better than the current ones, so they are shrunk all the way back. ` +
      `Which categories separate churners shifts from one stretch of history to the next more than re-weighting can gain.`
    );
  }
  if (a.improved) {
    return `The suggested weights raise the later-period AUC ${later} (earlier period: ${earlier}; ${Math.round(s.alpha * 100)}% of the way from the current weights to the searched ones).`;
  }
  return (
    `The suggested weights raise the earlier-period AUC ${earlier} but not the later period's (${later}): what told churners apart ` +
    `before ${a.splitParam} (${a.split.fit_churned} churned accounts to fit on) does not carry over to the ${a.split.eval_churned} after it` +
    (!s.validated
      ? " (too little churn to check the fit inside the earlier period, so it was not shrunk)"
      : s.alpha === 1
        ? " (the check inside the earlier period did not catch it: there the searched weights held up)"
        : `, even shrunk ${Math.round((1 - s.alpha) * 100)}% back toward the current weights`) +
    `. Keep the current weights.`
  );
}

/** A note when the unchanged tier thresholds flag a rather different number of weeks under the new weights. */
function tierNotes(evaluation: TuneReport["evaluation"]): string[] {
  const before = evaluation.current.at_risk;
  const after = evaluation.suggested.at_risk;
  if (Math.abs(after.flagged - before.flagged) <= 0.25 * Math.max(before.flagged, 1)) return [];
  return [
    `The tier thresholds are unchanged, but the new weights move scores: in the later period ${after.flagged} account-weeks fall in ` +
      `${after.tiers.join(", ")} instead of ${before.flagged} (recall ${pct(before.recall)} -> ${pct(after.recall)}, at risk or watch ` +
      `${pct(evaluation.current.at_risk_or_watch.recall)} -> ${pct(evaluation.suggested.at_risk_or_watch.recall)}). Review the tier mins before adopting the weights.`,
  ];
}

function pct(v: number | null): string {
  return v === null ? "-" : `${(v * 100).toFixed(1)}%`;
}

function emptyLead(): LeadTimeSummary {
  return { ...emptyLeadTimeSummary(0), histogram: [] };
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? "-" : v.toFixed(3);
}

