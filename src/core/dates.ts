/** The one rule for a calendar date given on the command line. */
import { UsageError } from "../errors.ts";

/** Checks a real calendar date written YYYY-MM-DD (2026-02-30 and 2026-13-45 are refused) and returns it. */
export function parseDay(text: string, option: string): string {
  const day = new Date(`${text}T00:00:00Z`);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
  if (!valid) throw new UsageError(`${option} must be a date YYYY-MM-DD, got "${text}"`);
  return text;
}
