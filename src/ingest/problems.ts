/**
 * What validation reports: each problem names the table, the file, the column and up to five
 * offending rows or keys, so an analyst can open the export and fix it.
 */
import { InputError } from "../errors.ts";

export type ProblemLevel = "error" | "warning";

export interface Problem {
  level: ProblemLevel;
  /** Short machine-readable rule id, e.g. "missing_column", "duplicate_key". */
  rule: string;
  table: string;
  file?: string;
  column?: string;
  /** What is wrong and what was expected, in words. */
  message: string;
  /** 1-based data row numbers in `file` (header excluded), at most five. */
  rows?: number[];
  /** Offending key values, at most five. */
  keys?: string[];
  /** How many rows (or keys) are affected in all. */
  count?: number;
}

/** At most this many rows or keys are listed per problem. */
export const EXAMPLES = 5;

/** Thrown when the exports break the contract; carries every error found at that stage. */
export class ValidationError extends InputError {
  override name = "ValidationError";
  constructor(readonly problems: Problem[]) {
    super(summarise(problems));
  }
}

/** One line per problem: `file: column "x": message (rows 3, 9; key "A-1"; 2 in all)`. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file ?? problem.table, problem.column ? `column "${problem.column}"` : undefined].filter(Boolean).join(": ");
  const examples: string[] = [];
  if (problem.rows?.length) examples.push(`${problem.rows.length > 1 ? "rows" : "row"} ${problem.rows.join(", ")}`);
  // quoted, so that a trailing space or an empty key shows: "A-1 " is not "A-1"
  if (problem.keys?.length)
    examples.push(`${problem.keys.length > 1 ? "keys" : "key"} ${problem.keys.map((k) => JSON.stringify(k)).join(", ")}`);
  if (problem.count !== undefined && problem.count > 1) examples.push(`${problem.count} in all`);
  return `${where}: ${problem.message}${examples.length ? ` (${examples.join("; ")})` : ""}`;
}

function summarise(problems: Problem[]): string {
  const errors = problems.filter((p) => p.level === "error");
  const lines = errors.map((p) => `  - ${formatProblem(p)}`);
  return `the exports break the contract (${errors.length} ${errors.length === 1 ? "error" : "errors"}):\n${lines.join("\n")}`;
}
