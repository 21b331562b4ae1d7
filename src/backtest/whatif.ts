/**
 * The what-if sample: labelled account-weeks with their category scores, small enough for the
 * browser to re-weight live (reports/lib/score.ts states the arithmetic it must follow).
 */
import type { Database } from "../db/duckdb.ts";
import { buildModel } from "../sql/graph.ts";

export type WhatifOptions = {
  /** Keep every stride-th calendar week. */
  stride: number;
  /** Past this many rows, keep a hash-chosen share of the accounts. */
  maxRows: number;
};

/** About 100k rows (some 5 MB of Parquet) at 10k accounts and two years of weeks. */
export const WHATIF_DEFAULTS: WhatifOptions = { stride: 4, maxRows: 100_000 };

/** Creates the `whatif_sample` table from `backtest_weeks`; returns its row count. */
export async function buildWhatifSample(db: Database, options: WhatifOptions = WHATIF_DEFAULTS): Promise<number> {
  await buildModel(db, "whatif_sample", { params: { stride: options.stride, max_rows: options.maxRows } });
  const row = await db.one<{ n: number }>("select count(*)::integer as n from whatif_sample");
  return row?.n ?? 0;
}
