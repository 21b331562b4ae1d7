/**
 * The health formula file, declared as zod schemas: categories of weighted measures, how each raw
 * value maps to a 0-100 score, caps, tiers with playbooks, user health, alert and expansion
 * thresholds. The file is data (YAML or JSON), never code. `formula.schema.json` is generated from
 * these schemas so editors can autocomplete and check it.
 */
import { z } from "zod";
import { ALERT_KIND_DESCRIPTIONS, ALERT_KINDS } from "../alerts/kinds.ts";
import { MEASURES } from "../health/measures.ts";

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower_snake_case letters, digits and underscores");

/** A measure id; the JSON Schema lists the catalogue for completion, the loader gives the friendly error. */
const measureId = identifier.meta({ enum: MEASURES.map((m) => m.id) });

const weight = z.number().min(0, "weights cannot be negative");

/**
 * Scale-free scoring: the raw value is first turned into its percentile rank among the accounts
 * with data the same week (the whole book, or the account's segment), so the map's raw values are
 * percentiles from 0 to 1 and the formula means the same on any book. Only that week's values
 * count (no look-ahead).
 */
const relativeTo = z
  .enum(["book", "segment"])
  .optional()
  .describe(
    'Score the value\'s percentile rank (0 to 1; ties count half) among the accounts with data the same week, in the whole book ("book") or in the account\'s segment ("segment"), instead of the raw value: the map\'s raw values are then percentiles.',
  );

/**
 * The score of an account-week with no value for the measure while the book has usable data for it
 * that week (a scorecard's "missing" bin). Absent: no data drops out and its weight is shared by the
 * rest. A measure the whole book does not record drops out either way.
 */
const missingScore = z
  .number()
  .min(0)
  .max(100)
  .optional()
  .describe(
    "Score of an account-week with no value for this measure while other accounts have one that week (health calibrate learns it from the churn of the no-data weeks). Absent: no data drops out and its weight is shared by the other measures.",
  );

/** Piecewise-linear map from raw value to score: points sorted by raw value. */
const pointsScore = z
  .object({
    relative_to: relativeTo,
    missing: missingScore,
    points: z
      .array(z.tuple([z.number(), z.number().min(0).max(100)]))
      .min(2, "give at least two [raw, score] points")
      .describe("[raw value, score] pairs; scores between points are interpolated, beyond them clamped."),
  })
  .strict();

/** Shorthand: the raw value that scores 0 (red), optionally 50 (yellow), and 100 (green). */
const thresholdScore = z
  .object({
    relative_to: relativeTo,
    missing: missingScore,
    red: z.number().describe("Raw value scoring 0."),
    yellow: z.number().optional().describe("Raw value scoring 50."),
    green: z.number().describe("Raw value scoring 100."),
  })
  .strict();

export const scoreMapSchema = z.union([pointsScore, thresholdScore]);

export const measureUseSchema = z
  .object({
    measure: measureId.describe("Measure id from the catalogue (see `health formula --measures`)."),
    weight: weight.describe("Weight within the category; a category's measure weights sum to 100."),
    score: scoreMapSchema.describe("How the raw value maps to 0-100."),
  })
  .strict();

export const categorySchema = z
  .object({
    id: identifier,
    label: z.string().min(1),
    weight: weight.describe("Weight of the category in the health score; category weights sum to 100."),
    description: z.string().optional(),
    playbook: z.string().min(1).describe("What to do when this category drives the risk."),
    measures: z.array(measureUseSchema).min(1),
  })
  .strict();

export const tierSchema = z
  .object({
    id: identifier,
    label: z.string().min(1),
    min: z.number().min(0).max(100).describe("Lowest score in the tier."),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
    playbook: z.string().min(1),
  })
  .strict();

export const capSchema = z
  .object({
    measure: measureId,
    at_least: z.number().describe("The cap applies when the measure's raw value is at least this."),
    max_score: z.number().min(0).max(100),
    reason: z.string().min(1),
  })
  .strict();

const userHealthSchema = z
  .object({
    recency: scoreMapSchema.describe("Days since the user was last active -> score."),
    frequency: scoreMapSchema.describe("Active days in the last 28 -> score."),
    breadth: scoreMapSchema.describe("Share of core features used in the last 28 days -> score."),
    weights: z
      .object({ recency: weight, frequency: weight, breadth: weight })
      .strict()
      .describe("Weights of the three parts; they sum to 100."),
  })
  .strict();

const alertsSchema = z
  .object({
    score_drop: z
      .object({ points: z.number().positive(), weeks: z.int().min(1).max(26) })
      .strict()
      .describe("Raise when the score fell by at least `points` from its highest of the last `weeks` weeks."),
    tier_down: z
      .object({
        weeks: z.int().min(1).max(26),
        min_points: z
          .number()
          .min(0)
          .default(0)
          .describe("...and its score is at least this many points below its score then (ignores tiny moves across a boundary)."),
      })
      .strict()
      .default({ weeks: 4, min_points: 0 })
      .describe("Raise when the account is in a worse tier than at some point of the last `weeks` weeks..."),
    key_person_inactive_days: z
      .object({ champion: z.int().positive(), executive_sponsor: z.int().positive() })
      .strict()
      .describe(
        "Raise when the most recently active current champion (or sponsor) has been inactive this long; also when the last one left.",
      ),
    divergence: z
      .object({
        min_nps: z.int().min(0).max(10).describe("An NPS answer at least this high..."),
        usage_drop: z.number().positive().max(1).describe("...while usage fell by at least this share..."),
        trend_measure: measureId.describe("...over this usage trend measure."),
      })
      .strict(),
    renewal_window_days: z.int().positive(),
    renewal_tiers: z.array(identifier).min(1).describe("Tiers that raise a renewal alert inside the window."),
    clear_after_weeks: z
      .int()
      .min(1)
      .max(26)
      .default(2)
      .describe("An alert clears once its condition has been false this many weeks in a row; a shorter gap continues the same alert."),
    playbooks: z
      .partialRecord(z.enum(ALERT_KINDS), z.string().min(1))
      .default({})
      .describe(
        `Optional playbook per alert kind, overriding the default (the category or tier playbook). Kinds: ${ALERT_KINDS.map((k) => `${k} (${ALERT_KIND_DESCRIPTIONS[k]})`).join("; ")}.`,
      ),
  })
  .strict();

const expansionSchema = z
  .object({
    min_score: z.number().min(0).max(100),
    seat_utilisation: z.number().positive().describe("Licence utilisation at or above this is a growth signal."),
    active_users_growth: z.number().describe("8-week active users change at or above this is a growth signal."),
    breadth_growth: z.number().describe("8-week breadth change at or above this is a growth signal."),
    plans: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Plans from lowest to highest, as in accounts.plan; requests for features whose min_plan is above the account's plan are a growth signal.",
      ),
    plan_uplift: z
      .number()
      .min(0)
      .default(0.5)
      .describe("Share of current ARR an account adds per plan step up, for the potential ARR estimate."),
    min_plan_requests: z
      .int()
      .min(1)
      .default(2)
      .describe("Requests for higher-plan features within request_window_days it takes to signal an upgrade (one is often curiosity)."),
    request_window_days: z
      .int()
      .positive()
      .default(182)
      .describe(
        "How far back requests for higher-plan features count, whatever their status (an old ask is stale; a declined one still shows the want).",
      ),
    min_tenure_days: z
      .int()
      .min(0)
      .default(180)
      .describe("Days since the contract start before growth counts as expansion rather than onboarding."),
  })
  .strict();

export const formulaSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    absent_tables: z
      .enum(["no_data", "error"])
      .default("no_data")
      .describe('When a measure\'s table is absent: "no_data" renormalises over the rest, "error" refuses the data.'),
    tiers: z.array(tierSchema).min(2).describe("From best to worst; an account is in the first tier whose min it reaches."),
    categories: z.array(categorySchema).min(1),
    caps: z.array(capSchema).default([]),
    user_health: userHealthSchema,
    alerts: alertsSchema,
    expansion: expansionSchema,
  })
  .strict();

export type FormulaInput = z.input<typeof formulaSchema>;
export type Formula = z.output<typeof formulaSchema>;
export type ScoreMap = z.output<typeof scoreMapSchema>;
export type Category = z.output<typeof categorySchema>;
export type Tier = z.output<typeof tierSchema>;
export type RelativeTo = NonNullable<ScoreMap["relative_to"]>;
