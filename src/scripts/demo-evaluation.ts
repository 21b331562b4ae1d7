/**
 * Compares a run's published files with a demo warehouse's planted answers
 * (`<data>/_answers/scenarios.csv`): how early the scores flag planted risks, how many planted
 * churners get an alert and how far ahead, where planted expansion accounts rank. Evaluation only:
 * the engine never reads the answers.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/duckdb.ts";
import { sqlFile } from "../sql/files.ts";

type Row = Record<string, unknown>;

export interface DemoEvaluation {
  /** Per scenario: share flagged watch or worse, and weeks ahead of churn (planted_flags.sql). */
  flags: Row[];
  /** Per churn scenario: churners alerted after their signal, days ahead (planted_alerts.sql); null without alerts.parquet. */
  alerts: Row[] | null;
  /** Where planted expansion accounts rank (planted_expansion.sql); null without expansion.parquet. */
  expansion: Row | null;
  /**
   * Per churn scenario and for all (scenario null): the backtest's positive weeks before any planted
   * signal, the score's AUC before and after it, and the ceiling any score can reach on these labels
   * (planted_signal.sql); null without backtest_weeks.parquet.
   */
  signal: Row[] | null;
  /**
   * The planted proactive, reactive and matched no-action save rates restated on the episodes
   * `health outcomes` judged, at its judge days, beside the measured ones and their intervals
   * (planted_outcomes.sql); null without outcomes_episodes.parquet or _answers/interventions.csv.
   */
  outcomes: Row[] | null;
}

/** The answers file of `data` and the published files of `out` that the evaluation reads. */
export function evaluationFiles(data: string, out: string) {
  return {
    answers_file: path.join(data, "_answers", "scenarios.csv"),
    health_file: path.join(out, "account_health_weekly.parquet"),
    alerts_file: path.join(out, "alerts.parquet"),
    expansion_file: path.join(out, "expansion.parquet"),
    backtest_file: path.join(out, "backtest_weeks.parquet"),
    outcomes: {
      answers_file: path.join(data, "_answers", "interventions.csv"),
      episodes_file: path.join(out, "outcomes_episodes.parquet"),
      strata_file: path.join(out, "outcomes_severity_strata.parquet"),
      save_rates_file: path.join(out, "outcomes_save_rates.parquet"),
      matched_file: path.join(out, "outcomes_no_action_matched.parquet"),
    },
  };
}

/** Runs every evaluation whose published file exists; answers and health history are required. */
export async function evaluateDemo(db: Database, data: string, out: string, bestTier: string): Promise<DemoEvaluation> {
  const files = evaluationFiles(data, out);
  for (const file of [files.answers_file, files.health_file]) {
    if (!existsSync(file)) throw new Error(`missing ${file}: generate the demo and run \`health run\` first`);
  }
  const { answers_file, health_file, alerts_file, expansion_file, backtest_file, outcomes } = files;
  return {
    flags: await db.all(sqlFile("evaluation/planted_flags.sql"), { answers_file, health_file, best_tier: bestTier }),
    alerts: existsSync(alerts_file)
      ? await db.all(sqlFile("evaluation/planted_alerts.sql"), { answers_file, health_file, alerts_file })
      : null,
    expansion: existsSync(expansion_file)
      ? ((await db.one(sqlFile("evaluation/planted_expansion.sql"), { answers_file, expansion_file })) ?? null)
      : null,
    signal: existsSync(backtest_file) ? await db.all(sqlFile("evaluation/planted_signal.sql"), { answers_file, backtest_file }) : null,
    outcomes: Object.values(outcomes).every((file) => existsSync(file))
      ? await db.all(sqlFile("evaluation/planted_outcomes.sql"), outcomes)
      : null,
  };
}
