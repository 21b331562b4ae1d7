/** Builds the downstream stages' tables on a scored test warehouse and reads them back. */
import { alertRecords, buildAlerts, type AlertRecord } from "../../src/alerts/alerts.ts";
import type { Database } from "../../src/db/duckdb.ts";
import type { LoadedFormula } from "../../src/formula/load.ts";
import type { FormulaInput } from "../../src/formula/schema.ts";
import { absoluteFormulaInput, formulaFrom } from "./health.ts";

/** The raw-threshold formula (see absoluteFormulaInput) with `change` applied. */
export function formulaWith(change: (f: FormulaInput) => void): LoadedFormula {
  const input = absoluteFormulaInput();
  change(input);
  return formulaFrom(input);
}

/** (Re)builds the alerts with `formula` and returns every alert, oldest first. */
export async function replayAlerts(db: Database, formula: LoadedFormula): Promise<AlertRecord[]> {
  await buildAlerts(db, formula);
  return (await alertRecords(db)).reverse();
}

/** One account's history: week_end (YYYY-MM-DD), score, tier and as_of, oldest first. */
export async function history(db: Database, account: string) {
  return db.all<{ week_end: string; as_of: string; score: number | null; tier: string | null; week_index: number }>(
    `select strftime(week_end, '%Y-%m-%d') as week_end, strftime(as_of, '%Y-%m-%d') as as_of, score, tier, week_index
     from int_health_scores where account_id = $account order by week_start`,
    { account },
  );
}

/** Groups weeks where `holds` into episodes the way alerts do: a gap longer than `clearAfter` weeks ends one. */
export function episodes<T extends { week_end: string }>(weeks: readonly T[], holds: (week: T, i: number) => boolean, clearAfter = 2) {
  const out: { raised: string; lastSeen: string; cleared: string | null; weeks: number }[] = [];
  let last = -Infinity;
  weeks.forEach((week, i) => {
    if (!holds(week, i)) return;
    if (i - last > clearAfter) out.push({ raised: week.week_end, lastSeen: week.week_end, cleared: null, weeks: 0 });
    const current = out.at(-1)!;
    current.lastSeen = week.week_end;
    current.weeks += 1;
    last = i;
  });
  for (const e of out) {
    const index = weeks.findIndex((w) => w.week_end === e.lastSeen) + clearAfter;
    e.cleared = weeks[index]?.week_end ?? null;
  }
  return out;
}
