/**
 * The measure catalogue: every measure the formula can use, defined once. Each is a column of one
 * SQL model in src/sql/measures (its `family`), computed for every account and week as of that
 * week's end, with no later event. The formula only chooses measures, weights and how a raw value
 * maps to a 0-100 score; what a measure means and its window live here.
 */

export type MeasureUnit = "share" | "ratio" | "change" | "days" | "hours" | "count" | "nps" | "points" | "score" | "flag";

export interface MeasureDefinition {
  id: string;
  label: string;
  /** What the raw value is, including its window. */
  description: string;
  unit: MeasureUnit;
  /** SQL model `src/sql/measures/measures_<family>.sql` with a column named after the measure. */
  family: MeasureFamily;
  /** Tables the measure needs; with any of them absent it has no data (unless `requiresAny`). */
  requires: readonly string[];
  /** Data from one of `requires` is enough (e.g. CSAT from surveys or from tickets). */
  requiresAny?: boolean;
  /** Direction, for documentation and for checking a formula's score points make sense. */
  higherIsBetter: boolean;
  /**
   * Net of the book: the value is measure `netOf` minus that measure's median over the book's
   * accounts with data the same week (computed by the scoring, not by the family's SQL).
   */
  netOf?: string;
  /**
   * A count (or sum) of events where 0 means nothing happened: still data when every account of the
   * book is at 0 (no P0 anywhere yet is good news, not a column the book lacks). Other measures
   * with one value across the whole book so far have no data.
   */
  zeroIsValue?: boolean;
  /**
   * Per person: needs usage attributed to contacts. An account whose usage so far carries no
   * contact (account-level usage) has no data for it, rather than 0.
   */
  perPerson?: boolean;
  /**
   * An optional support_tickets column the measure reads (see TICKET_COLUMNS): a book whose tickets
   * never record it has no data for the measure (int_ticket_recording, computed at ingest).
   */
  ticketColumn?: TicketColumn;
}

/**
 * The optional support_tickets columns some measures read, with the int_ticket_recording column
 * that says from when the book records them (null = never) and how a reason names them.
 */
export const TICKET_COLUMNS = {
  kinds: { recordedFrom: "kinds_from", names: "a kind (support_tickets.kind)" },
  escalations: { recordedFrom: "escalations_from", names: "an escalation (support_tickets.escalated_at or is_escalated)" },
  responses: { recordedFrom: "responses_from", names: "a first response (support_tickets.first_response_at)" },
} as const;
export type TicketColumn = keyof typeof TICKET_COLUMNS;

export const MEASURE_FAMILIES = [
  "sentiment",
  "stakeholders",
  "adoption",
  "onboarding",
  "fit",
  "technical",
  "requests",
  "external",
] as const;
export type MeasureFamily = (typeof MEASURE_FAMILIES)[number];

const USAGE = ["usage_events", "usage_daily"] as const;

export const MEASURES: readonly MeasureDefinition[] = [
  // Customer sentiment
  {
    id: "nps_latest",
    label: "Latest NPS answer",
    description: "Most recent NPS answer (0-10) in the last 365 days.",
    unit: "points",
    family: "sentiment",
    requires: ["survey_responses"],
    higherIsBetter: true,
  },
  {
    id: "nps_trailing",
    label: "NPS (12 months)",
    description: "Net Promoter Score over the last 365 days: % promoters (9-10) minus % detractors (0-6), -100 to 100.",
    unit: "nps",
    family: "sentiment",
    requires: ["survey_responses"],
    higherIsBetter: true,
  },
  {
    id: "detractor_share",
    label: "Detractor share",
    description: "Share of NPS answers from 0 to 6 in the last 365 days.",
    unit: "share",
    family: "sentiment",
    requires: ["survey_responses"],
    higherIsBetter: false,
  },
  {
    id: "csat_trailing",
    label: "CSAT (6 months)",
    description: "Mean CSAT (1-5) over the last 180 days, from surveys and closed tickets.",
    unit: "points",
    family: "sentiment",
    requires: ["survey_responses", "support_tickets"],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "ces_trailing",
    label: "Customer effort (6 months)",
    description: "Mean CES (1 very hard to 7 very easy) over the last 180 days.",
    unit: "points",
    family: "sentiment",
    requires: ["survey_responses"],
    higherIsBetter: true,
  },

  // Stakeholder relationship
  {
    id: "champion_present",
    label: "Champion present",
    description: "1 when the account has at least one current champion, else 0.",
    unit: "flag",
    family: "stakeholders",
    requires: ["contacts"],
    higherIsBetter: true,
  },
  {
    id: "champion_inactive_days",
    label: "Days since champion active",
    description: "Days since the most recently active current champion last used the product (since joining if never).",
    unit: "days",
    family: "stakeholders",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: false,
    perPerson: true,
  },
  {
    id: "sponsor_present",
    label: "Executive sponsor present",
    description: "1 when the account has a current executive sponsor, else 0.",
    unit: "flag",
    family: "stakeholders",
    requires: ["contacts"],
    higherIsBetter: true,
  },
  {
    id: "sponsor_inactive_days",
    label: "Days since sponsor active",
    description: "Days since the most recently active current executive sponsor last used the product.",
    unit: "days",
    family: "stakeholders",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: false,
    perPerson: true,
  },
  {
    id: "key_contacts",
    label: "Key contacts",
    description: "Current contacts marked as key.",
    unit: "count",
    family: "stakeholders",
    requires: ["contacts"],
    higherIsBetter: true,
  },
  {
    id: "key_contacts_lost_90d",
    label: "Key contacts lost (90 days)",
    description: "Key contacts who left in the last 90 days.",
    unit: "count",
    family: "stakeholders",
    requires: ["contacts"],
    higherIsBetter: false,
    zeroIsValue: true,
  },

  // Product adoption
  {
    id: "licence_utilisation",
    label: "Licence utilisation",
    description: "Distinct active users in the last 28 days divided by seats as of that week.",
    unit: "share",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
    perPerson: true,
  },
  {
    id: "feature_breadth",
    label: "Feature breadth",
    description: "Share of core features used by anyone at the account in the last 28 days.",
    unit: "share",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "usage_depth",
    label: "Usage depth",
    description: "Events per active user per week over the last 28 days.",
    unit: "ratio",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
    perPerson: true,
  },
  {
    id: "user_health_avg",
    label: "User health (per seat)",
    description: "Mean user health over all seats (idle seats count as 0), 0-100.",
    unit: "score",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
    perPerson: true,
  },
  {
    id: "active_users_4w",
    label: "Active users (28 days)",
    description: "Distinct contacts active in the last 28 days.",
    unit: "count",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
    perPerson: true,
  },
  {
    id: "training_completion",
    label: "Training completion",
    description: "Share of current contacts with at least one course or certification completed.",
    unit: "share",
    family: "adoption",
    requires: ["trainings"],
    higherIsBetter: true,
  },
  // Volume, recency and frequency: levels for any product, sparse or daily, best scored relative to the book.
  {
    id: "usage_volume_4w",
    label: "Usage volume (4 weeks)",
    description: "Events per week over the last 4 weeks, by anyone at the account (API use included).",
    unit: "ratio",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "usage_per_seat_4w",
    label: "Usage per seat (4 weeks)",
    description: "Events per seat per week over the last 4 weeks.",
    unit: "ratio",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "weeks_since_last_activity",
    label: "Weeks since last activity",
    description:
      "Whole weeks since the last week in which anyone at the account (or its API) used the product: 0 when used this week; when never, the weeks scored so far (or since the contract start, if later). Weeks, not days, so that which weekday a daily user last logged in is not read as risk.",
    unit: "count",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: false,
  },
  {
    id: "active_weeks_13w",
    label: "Active weeks (13 weeks)",
    description: "Share of the last 13 weeks with any use (of the weeks scored so far, when fewer; needs 4).",
    unit: "share",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  // Trends are the leading indicators.
  {
    id: "usage_trend_2w",
    label: "Usage trend (2 weeks)",
    description:
      "Weekly events over the last 2 weeks against the weekly average of the 8 weeks before, as a change: the fastest, noisiest trend.",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "usage_trend_4w",
    label: "Usage trend (4 weeks)",
    description: "Events in the last 4 weeks against the 4 weeks before, as a change (-0.3 = down 30%).",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "usage_trend_8w",
    label: "Usage trend (8 weeks)",
    description: "Events in the last 8 weeks against the 8 weeks before, as a change.",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "usage_trend_13w",
    label: "Usage trend (13 weeks)",
    description: "Events in the last 13 weeks against the 13 weeks before, as a change.",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "usage_vs_baseline_26w",
    label: "Usage against own baseline",
    description:
      "Weekly events over the last 4 weeks against the account's weekly average over up to 26 weeks before them (needs 8 weeks and 8 events), as a change.",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  {
    id: "active_users_trend_8w",
    label: "Active users trend (8 weeks)",
    description: "Active users (28 days) now against 8 weeks earlier, as a change.",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
    perPerson: true,
  },
  {
    id: "breadth_trend_8w",
    label: "Breadth trend (8 weeks)",
    description: "Feature breadth now minus 8 weeks earlier, in share points.",
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
  },
  // Net of the book: a dip that hits every account the same week is seasonality, not risk.
  ...netOfBook([
    ["usage_trend_4w", "Usage trend net of the book (4 weeks)"],
    ["usage_trend_8w", "Usage trend net of the book (8 weeks)"],
    ["usage_trend_13w", "Usage trend net of the book (13 weeks)"],
    ["usage_vs_baseline_26w", "Usage against own baseline, net of the book"],
    ["active_users_trend_8w", "Active users trend net of the book (8 weeks)"],
  ]),

  // Onboarding and time to value
  {
    id: "onboarding_status",
    label: "Onboarding status",
    description: "Status of the open onboarding project: 2 green, 1 yellow, 0 red; no data once live.",
    unit: "points",
    family: "onboarding",
    requires: ["onboarding_projects", "onboarding_status_updates"],
    higherIsBetter: true,
  },
  {
    id: "days_past_go_live_target",
    label: "Days past go-live target",
    description: "Days an open onboarding project is past its target go-live (0 when on time); no data once live.",
    unit: "days",
    family: "onboarding",
    requires: ["onboarding_projects"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "time_to_value_ratio",
    label: "Time to value vs segment",
    description:
      "Days from kick-off to go-live (or so far, while open) divided by the segment's median; for projects started in the last 365 days.",
    unit: "ratio",
    family: "onboarding",
    requires: ["onboarding_projects"],
    higherIsBetter: false,
  },

  // Fit
  {
    id: "fit_score",
    label: "Fit score",
    description: "Latest fit assessment score, 0-100.",
    unit: "score",
    family: "fit",
    requires: ["fit_assessments"],
    higherIsBetter: true,
  },
  {
    id: "sponsor_and_strategy",
    label: "Sponsor and strategy",
    description: "Latest assessment: executive sponsor (1) plus long-term strategy (1), 0-2.",
    unit: "count",
    family: "fit",
    requires: ["fit_assessments"],
    higherIsBetter: true,
  },
  {
    id: "implementation_readiness",
    label: "Implementation readiness",
    description: "Latest assessment's readiness, 1-5.",
    unit: "points",
    family: "fit",
    requires: ["fit_assessments"],
    higherIsBetter: true,
  },

  // Technical issues
  {
    id: "open_bugs_weighted",
    label: "Open bugs (severity-weighted)",
    description: "Open bug and incident tickets weighted P0 10, P1 4, P2 1, P3 0.25; no data until the book records ticket kinds.",
    unit: "points",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
    zeroIsValue: true,
    ticketColumn: "kinds",
  },
  {
    id: "p0_last_30d",
    label: "P0 tickets (30 days)",
    description: "P0 tickets opened in the last 30 days.",
    unit: "count",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "resolution_days_90d",
    label: "Time to resolve (90 days)",
    description: "Median days to close tickets closed in the last 90 days.",
    unit: "days",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
  },
  {
    id: "ticket_volume_trend_8w",
    label: "Ticket volume trend (8 weeks)",
    description: "Tickets opened in the last 8 weeks against the 8 before, as a change.",
    unit: "change",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
  },
  {
    id: "escalated_tickets_90d",
    label: "Escalated tickets (90 days)",
    description: "Tickets escalated in the last 90 days; no data until the book records escalations (escalated_at or is_escalated).",
    unit: "count",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
    zeroIsValue: true,
    ticketColumn: "escalations",
  },
  {
    id: "escalation_share_90d",
    label: "Escalation share (90 days)",
    description: "Share of the tickets opened in the last 90 days that were escalated; no data until the book records escalations.",
    unit: "share",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
    zeroIsValue: true,
    ticketColumn: "escalations",
  },
  {
    id: "first_response_hours_90d",
    label: "Hours to first response (90 days)",
    description:
      "Median hours from opening to first response of tickets opened in the last 90 days (an unanswered ticket counts its wait so far); no data until the book records first responses.",
    unit: "hours",
    family: "technical",
    requires: ["support_tickets"],
    higherIsBetter: false,
    ticketColumn: "responses",
  },

  // Feature requests
  {
    id: "open_critical_requests",
    label: "Open critical requests",
    description: "Open feature requests of critical (1) or high (0.5) priority.",
    unit: "count",
    family: "requests",
    requires: ["feature_requests"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "repeated_requests",
    label: "Repeated requests",
    description: "Features asked for two or more times in the last 365 days and still open.",
    unit: "count",
    family: "requests",
    requires: ["feature_requests"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "open_request_age_days",
    label: "Age of open requests",
    description: "Mean age in days of open feature requests (0 when none).",
    unit: "days",
    family: "requests",
    requires: ["feature_requests"],
    higherIsBetter: false,
    zeroIsValue: true,
  },

  // Uncontrollable risks
  {
    id: "merger_acquisition_180d",
    label: "M&A (180 days)",
    description: "Merger or acquisition events in the last 180 days, weighted low 1, medium 2, high 3.",
    unit: "points",
    family: "external",
    requires: ["external_risk_events"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "bankruptcy_365d",
    label: "Bankruptcy (365 days)",
    description: "Bankruptcy events in the last 365 days.",
    unit: "count",
    family: "external",
    requires: ["external_risk_events"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "regulatory_change_180d",
    label: "Regulatory change (180 days)",
    description: "Regulatory change events in the last 180 days, severity-weighted.",
    unit: "points",
    family: "external",
    requires: ["external_risk_events"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
  {
    id: "layoffs_180d",
    label: "Layoffs (180 days)",
    description: "Layoff events in the last 180 days, severity-weighted.",
    unit: "points",
    family: "external",
    requires: ["external_risk_events"],
    higherIsBetter: false,
    zeroIsValue: true,
  },
];

/** `<base>_net` measures: the base measure minus the book's median of it the same week. */
function netOfBook(bases: [base: string, label: string][]): MeasureDefinition[] {
  return bases.map(([base, label]) => ({
    id: `${base}_net`,
    label,
    description: `${base} minus the median ${base} of the book's accounts with data the same week: the account's change beyond the whole book's.`,
    unit: "change",
    family: "adoption",
    requires: [...USAGE],
    requiresAny: true,
    higherIsBetter: true,
    netOf: base,
    perPerson: base === "active_users_trend_8w",
  }));
}

/** The measure whose SQL column holds a measure's values: itself, or the base of a net-of-book measure. */
export function baseMeasureId(id: string): string {
  return measureById(id)?.netOf ?? id;
}

export function measureById(id: string): MeasureDefinition | undefined {
  return MEASURES.find((m) => m.id === id);
}

/** Whether a measure can have data given which tables are present. */
/** Which optional ticket columns the book records anywhere (from int_ticket_recording at ingest). */
export type TicketColumnsRecorded = Readonly<Record<TicketColumn, boolean>>;

/**
 * Why a measure can have no data in this book before any score is computed, or undefined: a table
 * it needs is absent, or an optional ticket column it reads is never recorded. The one place both
 * `health check` and the engine read this from.
 */
export function measureDataGap(
  measure: MeasureDefinition,
  present: ReadonlySet<string>,
  recorded: TicketColumnsRecorded,
): string | undefined {
  if (!measureHasTables(measure, present))
    return `needs ${measure.requires.join(measure.requiresAny ? " or " : " and ")}, absent from the data`;
  if (measure.ticketColumn && !recorded[measure.ticketColumn])
    return `no ticket of the book records ${TICKET_COLUMNS[measure.ticketColumn].names}`;
  return undefined;
}

export function measureHasTables(measure: MeasureDefinition, present: ReadonlySet<string>): boolean {
  if (measure.requires.length === 0) return true;
  return measure.requiresAny ? measure.requires.some((t) => present.has(t)) : measure.requires.every((t) => present.has(t));
}
