/**
 * The types calibrate's modules share: options, the report, the fit sample, candidates and
 * scorecards. Types only, so that the modules import them without importing each other.
 */
import type { Block, FittedMap, NoDataBin } from "./bins.ts";
import type { PeriodFigures } from "./figures.ts";
import type { CalibratedCategory } from "./formula-text.ts";
import type { SplitAttempt } from "./splits.ts";
import type { Cutoffs } from "./tiers.ts";
import type { MeasureDefinition } from "../health/measures.ts";

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

export type Candidate = { def: MeasureDefinition; category: string };

export type FitContext = { candidates: readonly Candidate[]; options: CalibrateOptions; horizonDays: number };

/** A candidate formula: score maps and whole-number weights per category, and how each measure fared. */
export type Scorecard = {
  id: CandidateId;
  kind: "binned" | "linear" | "reweighted";
  scale: Scale;
  maps: Map<string, FittedMap>;
  measures: MeasureFit[];
  categories: CalibratedCategory[];
  lambda: number;
  lambdaTried: { lambda: number; auc: number | null }[];
};

/**
 * The fit weeks: raw values (`values`) and book ranks (`pct`) per measure, NaN = none, and the
 * current formula's score (`score`, NaN = none).
 */
export type Sample = {
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

/** What a candidate's score maps read: the raw value, or its percentile rank in the book that week. */
export type Scale = "raw" | "book";

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

export type CandidateId = "binned_book" | "binned_raw" | "linear_book" | "linear_raw" | "current_reweighted" | "current";

export type PeerFeature = { id: string; center: number; scale: number; lo: number; hi: number; coef: number; missing: number };
