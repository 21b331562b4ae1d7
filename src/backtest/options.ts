/**
 * Options of the backtest and of calibration: the churn horizon, the period of weeks, the lookback for
 * lead times, and their parsing from the command line with errors that name the option.
 */
import { parseDay } from "../core/dates.ts";
import { UsageError } from "../errors.ts";

export interface BacktestOptions {
  /** An account-week is positive when the account churned within this many days after its as_of. */
  horizonDays: number;
  /** First and last week_end of the period (YYYY-MM-DD, inclusive); null for the whole history. */
  from: string | null;
  to: string | null;
  /** Lead time looks for the first at-risk week (and alert) within this many weeks before the churn. */
  lookbackWeeks: number;
}

export const BACKTEST_DEFAULTS: BacktestOptions = { horizonDays: 90, from: null, to: null, lookbackWeeks: 26 };

/** Churners flagged at least this many weeks ahead are counted in the report's shares. */
export const LEAD_WEEKS_SHARES = [4, 6] as const;

/** Parses a horizon such as "90d", "13w" or "90" (days) into days. */
export function parseHorizon(text: string, option = "--horizon"): number {
  const match = /^(\d+)\s*([dw]?)$/i.exec(text.trim());
  const days = match ? Number(match[1]) * (match[2]?.toLowerCase() === "w" ? 7 : 1) : Number.NaN;
  if (!Number.isInteger(days) || days < 7 || days > 730) {
    throw new UsageError(`${option} must be a number of days or weeks between 7d and 730d, such as 90d or 13w, got "${text}"`);
  }
  return days;
}

/** "90d", or "13w" when the horizon is whole weeks: how reports name it. */
export function horizonLabel(days: number): string {
  return days % 7 === 0 && days % 30 !== 0 ? `${days / 7}w` : `${days}d`;
}

/** Backtest options from the command line (`--horizon`, `--from`, `--to`), defaults for the rest. */
export function backtestOptionsFrom(options: Record<string, string | boolean | undefined>): BacktestOptions {
  const text = (name: string) => (typeof options[name] === "string" ? (options[name] as string) : undefined);
  const horizon = text("horizon");
  const from = text("from");
  const to = text("to");
  const parsed: BacktestOptions = {
    ...BACKTEST_DEFAULTS,
    horizonDays: horizon === undefined ? BACKTEST_DEFAULTS.horizonDays : parseHorizon(horizon),
    from: from === undefined ? null : parseDay(from, "--from"),
    to: to === undefined ? null : parseDay(to, "--to"),
  };
  if (parsed.from && parsed.to && parsed.from > parsed.to) throw new UsageError(`--from (${parsed.from}) is after --to (${parsed.to})`);
  return parsed;
}
