/**
 * Options of the demo warehouse generator: their defaults, their validation, and the derived calendar
 * (history window and export instant) every generation step works from.
 */
import path from "node:path";
import { z } from "zod";
import { UsageError } from "../errors.ts";
import { PROFILE_IDS } from "./profiles.ts";

/** What the caller may ask for; every field but `outDir` has a default. */
export interface GenerateOptions {
  /** Number of customer accounts (default 500). */
  accounts?: number;
  /** Seed of every pseudo-random draw; the same seed and options give byte-identical files (default 42). */
  seed?: number;
  /** Directory the warehouse is written to; replaced only after a successful run. */
  outDir: string;
  /** Last day of history, a Sunday, as `YYYY-MM-DD` (default 2026-11-15). The export happens the next midnight UTC. */
  endDate?: string;
  /** Weeks of history ending on `endDate` (default 104). */
  weeks?: number;
  /**
   * Approximate mean of usage events per account over 104 weeks (default 10 000). It scales events per
   * active day only, never who is active, so below about 3 000 the floor of one event per active day dominates.
   */
  eventsPerAccount?: number;
  /** Which book to write: `demo` (default) or one of `PROFILES` (see profiles.ts). */
  profile?: string;
  /** DuckDB memory limit such as "4GB"; DuckDB spills beyond it. Defaults to HEALTH_DUCKDB_MEMORY_LIMIT or DuckDB's own. */
  memoryLimit?: string;
  /** Receives one line per step, for logs. */
  onProgress?: (message: string) => void;
}

/** What a run produced. */
export interface GenerateSummary {
  accounts: number;
  contacts: number;
  usageEvents: number;
  churned: number;
  /** Churned accounts per active account-year inside the history window. */
  annualChurnRate: number;
  /** Files written, relative to `outDir`. */
  files: string[];
  seconds: number;
}

export const DEFAULTS = {
  accounts: 500,
  seed: 42,
  endDate: "2026-11-15",
  weeks: 104,
  eventsPerAccount: 10_000,
} as const;

/** Options after validation, with the calendar worked out. Dates are `YYYY-MM-DD`, instants ISO 8601 UTC. */
export interface GenerationPlan {
  /** `demo` or a profile id. */
  profile: string;
  accounts: number;
  seed: number;
  weeks: number;
  eventsPerAccount: number;
  /** Multiplier of events per active day relative to the calibrated default. */
  eventScale: number;
  /** First day of history, a Monday. */
  startDate: string;
  /** Last day of history, a Sunday. */
  endDate: string;
  /** The export instant: midnight UTC after `endDate`. */
  exportedAt: string;
  outDir: string;
  memoryLimit: string | undefined;
  onProgress: (message: string) => void;
}

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: "not a calendar date",
  })
  .refine((s) => new Date(`${s}T00:00:00Z`).getUTCDay() === 0, { message: "must be a Sunday" });

const optionsSchema = z.object({
  accounts: z.int().min(1).max(1_000_000).default(DEFAULTS.accounts),
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(DEFAULTS.seed),
  outDir: z.string().min(1),
  endDate: isoDay.default(DEFAULTS.endDate),
  weeks: z.int().min(8).max(520).default(DEFAULTS.weeks),
  eventsPerAccount: z.number().positive().max(1_000_000).default(DEFAULTS.eventsPerAccount),
  profile: z
    .string()
    .refine((p) => PROFILE_IDS.includes(p), { message: `expected one of ${PROFILE_IDS.join(", ")}` })
    .default("demo"),
  memoryLimit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'expected a size such as "4GB"')
    .optional(),
});

const DAY_MS = 86_400_000;

/** Validates options (throwing a readable error) and derives the history calendar. */
export function planGeneration(options: GenerateOptions): GenerationPlan {
  const parsed = optionsSchema.safeParse({ ...options, onProgress: undefined });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
    throw new UsageError(`invalid generate options: ${problems.join("; ")}`);
  }
  const o = parsed.data;
  const end = Date.parse(`${o.endDate}T00:00:00Z`);
  const start = end - (o.weeks * 7 - 1) * DAY_MS;
  return {
    profile: o.profile,
    accounts: o.accounts,
    seed: o.seed,
    weeks: o.weeks,
    eventsPerAccount: o.eventsPerAccount,
    eventScale: o.eventsPerAccount / DEFAULTS.eventsPerAccount,
    startDate: new Date(start).toISOString().slice(0, 10),
    endDate: o.endDate,
    exportedAt: new Date(end + DAY_MS).toISOString().replace(".000Z", "Z"),
    outDir: path.resolve(o.outDir),
    memoryLimit: o.memoryLimit,
    onProgress: options.onProgress ?? (() => {}),
  };
}
