/**
 * Where `health calibrate` splits the history into the period it fits on and the later period it
 * reports on. A split is usable when both sides keep enough churned and surviving accounts; the
 * rules below are tried in order and every one tried is reported, so a split that cannot be used
 * is never the end of the run unless none can.
 */
import type { Database } from "../db/duckdb.ts";
import { InputError } from "../errors.ts";
import { render, sqlFile } from "../sql/files.ts";

export type SplitCounts = {
  split: string;
  fit_rows: number;
  fit_positives: number;
  fit_churned: number;
  fit_survivors: number;
  eval_rows: number;
  eval_positives: number;
  eval_churned: number;
  eval_survivors: number;
};

export type SplitRule = "given" | "fit_60" | "balanced" | "any_usable";

export type SplitAttempt = SplitCounts & { rule: SplitRule; usable: boolean; reason: string | null };

export type SplitChoice = { chosen: SplitAttempt; tried: SplitAttempt[] };

export interface SplitNeeds {
  horizonDays: number;
  /** Each side needs at least this many churned accounts... */
  minChurned: number;
  /** ...and this many surviving accounts. */
  minSurvivors: number;
}

/** No split of the book can be used; exit 3 with the reason. */
export class SplitError extends InputError {
  override name = "SplitError";
}

const RULE_TEXT: Record<SplitRule, string> = {
  given: "the split given with --split",
  fit_60: "the split leaving about 60% of the churned accounts to fit on",
  balanced: "the split with the most churned accounts on its poorer side",
  any_usable: "the usable split with the most churned accounts on its poorer side",
};

export function ruleText(rule: SplitRule): string {
  return RULE_TEXT[rule];
}

/**
 * Chooses the split over `weeks` (shaped like calibrate_weeks): `given` first when there is one,
 * then the 60/40 split, the balanced one, and any usable one. Throws SplitError naming what was
 * tried and why the book has no usable split (for instance most churn in its last horizon).
 */
export async function chooseSplit(db: Database, weeks: string, given: string | null, needs: SplitNeeds): Promise<SplitChoice> {
  const rows = (
    await db.all<Omit<SplitCounts, "split"> & { split: Date }>(render(sqlFile("calibrate/calibrate_splits.sql"), { weeks }), {
      horizon_days: needs.horizonDays,
      split: given,
    })
  ).map((r) => ({ ...r, split: r.split.toISOString().slice(0, 10) }));
  const attempt = (rule: SplitRule, counts: SplitCounts): SplitAttempt => {
    const reason = shortfall(counts, needs);
    return { ...counts, rule, usable: reason === null, reason };
  };
  const tried: SplitAttempt[] = [];
  const pick = (rule: SplitRule, counts: SplitCounts | undefined): SplitChoice | null => {
    if (!counts || tried.some((t) => t.split === counts.split)) return null; // failed already
    const a = attempt(rule, counts);
    tried.push(a);
    return a.usable ? { chosen: a, tried } : null;
  };
  const best = (score: (r: SplitCounts) => number, pool: SplitCounts[] = rows) =>
    pool.reduce<SplitCounts | undefined>(
      (b, r) => (b === undefined || score(r) > score(b) || (score(r) === score(b) && r.split > b.split) ? r : b),
      undefined,
    );

  if (given) {
    const chosen = pick(
      "given",
      rows.find((r) => r.split === given),
    );
    if (chosen) return chosen;
  }
  const chosen =
    pick(
      "fit_60",
      best((r) => Math.min(r.fit_churned / 0.6, r.eval_churned / 0.4)),
    ) ??
    pick(
      "balanced",
      best((r) => Math.min(r.fit_churned, r.eval_churned)),
    ) ??
    pick(
      "any_usable",
      best(
        (r) => Math.min(r.fit_churned, r.eval_churned),
        rows.filter((r) => shortfall(r, needs) === null),
      ),
    );
  if (chosen) return chosen;
  throw new SplitError(await noSplitReason(db, weeks, tried, needs));
}

/** Why a split cannot be used, or null when it can. */
export function shortfall(c: SplitCounts, needs: SplitNeeds): string | null {
  const problems: string[] = [];
  if (c.fit_churned < needs.minChurned) problems.push(`${c.fit_churned} churned accounts before it to fit on (horizon ended by the split)`);
  if (c.fit_survivors < needs.minSurvivors) problems.push(`${c.fit_survivors} surviving accounts before it`);
  if (c.eval_churned < needs.minChurned) problems.push(`${c.eval_churned} churned accounts after it with an observed horizon`);
  if (c.eval_survivors < needs.minSurvivors) problems.push(`${c.eval_survivors} surviving accounts after it`);
  if (problems.length === 0) return null;
  return `only ${problems.join(", ")}; each side needs ${needs.minChurned} churned and ${needs.minSurvivors} surviving accounts`;
}

async function noSplitReason(db: Database, weeks: string, tried: SplitAttempt[], needs: SplitNeeds): Promise<string> {
  const churn = await db.one<{ churned: number; last_horizon: number; unobserved: number; last_start: string | null }>(
    `with e as (select exported_at from run_context),
     a as (select account_id, any_value(churned_at) as churned_at, bool_or(observed and label) as observed_positive
           from ${weeks} where churned_at is not null group by account_id)
     select count(*)::integer as churned,
            count(*) filter (where churned_at > e.exported_at - to_days($horizon_days))::integer as last_horizon,
            count(*) filter (where not observed_positive)::integer as unobserved,
            strftime(any_value(e.exported_at) - to_days($horizon_days), '%Y-%m-%d') as last_start
     from a cross join e group by all`,
    { horizon_days: needs.horizonDays },
  );
  const lines = [
    `no split of the history leaves ${needs.minChurned} churned and ${needs.minSurvivors} surviving accounts on both sides (churn within ${needs.horizonDays} days, labelled only where the horizon is observed).`,
  ];
  for (const t of tried) lines.push(`  tried ${t.split} (${ruleText(t.rule)}): ${t.reason}`);
  if (churn && churn.churned > 0) {
    lines.push(
      `  ${churn.churned} accounts churned; ${churn.last_horizon} of them (${Math.round((100 * churn.last_horizon) / churn.churned)}%) in the last ${needs.horizonDays} days before the export (from ${churn.last_start}), which only a later period can hold, so too few are left to fit on.`,
    );
  } else {
    lines.push("  no account churned in the history: there is nothing to calibrate on.");
  }
  lines.push("  Calibrate again once more history has been exported, try a shorter --horizon, or lower --min-churned.");
  return lines.join("\n");
}
