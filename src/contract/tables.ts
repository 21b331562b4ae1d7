/**
 * The export contract: every table the workbench reads, its grain, key, columns and their meaning.
 * This is the single declaration; validation SQL, staging casts, docs (data/README.md) and row types
 * are all derived from it.
 *
 * Conventions: `<entity>_id` keys, `<event>_at` UTC timestamps, `_date` calendar days, `is_`/`has_`
 * booleans. `.nullable()` means the value may be empty; `.optional()` means the column may be absent.
 */
import { z } from "zod";
import { bool, date, id, int, num, oneOf, ref, text, timestamp } from "./columns.ts";

export const ROLES = ["executive_sponsor", "champion", "admin", "technical_contact", "end_user"] as const;
export const SEVERITIES = ["P0", "P1", "P2", "P3"] as const;
export const TICKET_KINDS = ["bug", "question", "incident", "feature_request"] as const;
export const TICKET_STATUSES = ["open", "pending", "solved", "closed"] as const;
export const REQUEST_STATUSES = ["open", "planned", "in_progress", "shipped", "declined"] as const;
export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export const PROJECT_STATUSES = ["green", "yellow", "red"] as const;
export const TRAINING_KINDS = ["course", "certification"] as const;
export const RISK_KINDS = ["merger_acquisition", "bankruptcy", "regulatory_change", "layoffs"] as const;
export const RISK_SEVERITIES = ["low", "medium", "high"] as const;
export const CHANGE_KINDS = ["new", "renewal", "expansion", "contraction", "plan_change", "churn", "reactivation"] as const;
export const INTERVENTION_OUTCOMES = ["retained", "churned", "expanded", "contracted", "no_change"] as const;

export interface TableContract {
  name: string;
  /** The system such an export usually comes from. */
  source: "crm" | "product" | "helpdesk" | "surveys" | "cs_platform";
  description: string;
  grain: string;
  /** Required tables must be present; optional ones may be absent and their measures then report "no data". */
  presence: "required" | "optional";
  /** Columns that identify a row; tested unique and not null. Empty for event tables without an id. */
  key: readonly string[];
  columns: z.ZodObject;
  /** Row-level rules that span columns: a SQL predicate that must hold for every row. */
  rules?: readonly RowRule[];
  /** Soft checks: a query returning offending keys, reported as warnings, never errors. */
  warnings?: readonly SoftCheck[];
}

export interface RowRule {
  /** Column the error message names. */
  column: string;
  /** Must be true (or null) for every row; written in terms of staged column names. */
  predicate: string;
  expected: string;
}

export interface SoftCheck {
  message: string;
  /** Query over staged tables returning one column `offender` (a key), limited by the caller. */
  query: string;
}

const accounts: TableContract = {
  name: "accounts",
  source: "crm",
  description: "The book of business: one row per customer account, current as of the export.",
  grain: "one row per account",
  presence: "required",
  key: ["account_id"],
  columns: z.object({
    account_id: id("Stable account identifier from the CRM."),
    account_name: text("Display name. Rendered as text, never as HTML."),
    segment: text("Go-to-market segment, e.g. enterprise, mid_market, smb."),
    industry: text("Industry of the customer.").nullable().optional(),
    region: text("Sales region, e.g. NA, EMEA, APAC.").nullable().optional(),
    plan: text("Current plan or edition."),
    arr: num("Annual recurring revenue in the reporting currency.", { min: 0 }),
    seats_purchased: int("Licensed seats today.", { min: 0 }),
    contract_start_date: date("First day of the first contract (a signed deal may start after the export).").meta({
      mayBeFuture: true,
    }),
    renewal_date: date("Next (or last, for churned accounts) renewal date.").nullable().meta({ mayBeFuture: true }),
    csm_owner: text("Customer success manager who owns the account.").nullable().optional(),
    churned_at: timestamp("When the customer left; empty while active.").nullable(),
    churn_reason: text("Why the customer left, as recorded in the CRM.").nullable().optional(),
  }),
  rules: [{ column: "churned_at", predicate: "churned_at >= contract_start_date", expected: "on or after contract_start_date" }],
  warnings: [
    {
      message: "accounts with no product usage at all",
      query: `select account_id as offender from stg_accounts a
              where not exists (select 1 from int_usage_weekly u where u.account_id = a.account_id)`,
    },
  ],
};

const contacts: TableContract = {
  name: "contacts",
  source: "crm",
  description:
    "People at customer accounts: product users and the stakeholders CS works with. Without it (usage recorded per account, not per person) the per-person measures report no data.",
  grain: "one row per contact",
  presence: "optional",
  key: ["contact_id"],
  columns: z.object({
    contact_id: id("Stable person identifier; usage events refer to it."),
    account_id: ref("accounts.account_id", "Account the contact belongs to."),
    full_name: text("Name. Rendered as text.").nullable().optional(),
    email: text("Email address. Used for matching only; never published.").nullable().optional(),
    role: oneOf(ROLES, "Relationship role; empty (or the column absent) where the CRM records none.").nullable().optional(),
    is_key: bool("A key contact CS must keep engaged (sponsor, champion, main admin); empty where not recorded.").nullable().optional(),
    joined_at: timestamp("When the contact joined the account (or got a seat)."),
    left_at: timestamp("When the contact left the company or lost the seat; empty while present.").nullable(),
  }),
  rules: [{ column: "left_at", predicate: "left_at >= joined_at", expected: "on or after joined_at" }],
  warnings: [
    {
      message: "contacts with no product usage (idle seats or stakeholders who never log in)",
      query: `select contact_id as offender from stg_contacts c
              where not exists (select 1 from int_usage_weekly u where u.contact_id = c.contact_id)`,
    },
  ],
};

const usageEvents: TableContract = {
  name: "usage_events",
  source: "product",
  description: "Raw product events. Either this table or usage_daily must be present; both may be, and are then added up.",
  grain: "one row per event",
  presence: "optional",
  key: [],
  columns: z.object({
    occurred_at: timestamp("When the event happened."),
    account_id: ref("accounts.account_id", "Account of the user."),
    contact_id: ref(
      "contacts.contact_id",
      "User who acted; empty for system or API events. Absent for usage recorded per account: per-person measures then report no data.",
    )
      .nullable()
      .optional(),
    feature: text("Product feature or area used; see the features table for core features."),
    quantity: num("Amount of use carried by the event (1 if absent).", { min: 0 }).nullable().optional(),
  }),
};

const usageDaily: TableContract = {
  name: "usage_daily",
  source: "product",
  description: "Usage pre-aggregated by day, for warehouses that do not export raw events.",
  grain: "one row per account, user, feature and day",
  presence: "optional",
  key: ["usage_date", "account_id", "contact_id", "feature"],
  columns: z.object({
    usage_date: date("Day of use (UTC)."),
    account_id: ref("accounts.account_id", "Account of the user."),
    contact_id: ref("contacts.contact_id", "User; empty for system or API use. Absent for usage recorded per account.")
      .nullable()
      .optional(),
    feature: text("Product feature or area used."),
    event_count: int("Events that day.", { min: 0 }),
    quantity: num("Amount of use that day (event_count if absent).", { min: 0 }).nullable().optional(),
  }),
};

const features: TableContract = {
  name: "features",
  source: "product",
  description: "Catalogue of product features; without it every observed feature counts as core.",
  grain: "one row per feature",
  presence: "optional",
  key: ["feature"],
  columns: z.object({
    feature: id("Feature name as it appears in usage."),
    is_core: bool("Counts toward adoption breadth."),
    min_plan: text("Lowest plan that includes the feature; requests for it signal an upgrade.").nullable().optional(),
  }),
};

const supportTickets: TableContract = {
  name: "support_tickets",
  source: "helpdesk",
  description:
    "Help-desk tickets with their severity and, once closed, the customer's CSAT. Kind, escalation and first response are optional: the measures that need them report no data while the book records none.",
  grain: "one row per ticket",
  presence: "optional",
  key: ["ticket_id"],
  columns: z.object({
    ticket_id: id("Ticket identifier."),
    account_id: ref("accounts.account_id", "Account that raised it."),
    contact_id: ref("contacts.contact_id", "Requester.").nullable().optional(),
    opened_at: timestamp("When the ticket was opened."),
    closed_at: timestamp("When it was solved or closed; empty while open.").nullable(),
    severity: oneOf(SEVERITIES, "P0 (outage) to P3 (minor)."),
    kind: oneOf(
      TICKET_KINDS,
      "What the ticket is about; empty (or the column absent) when the help desk records no type: such a ticket counts as neither a bug nor a question.",
    )
      .nullable()
      .optional(),
    status: oneOf(TICKET_STATUSES, "Status at export time."),
    csat_score: int("CSAT given on close, 1 (very unsatisfied) to 5 (very satisfied).", { min: 1, max: 5 }).nullable().optional(),
    first_response_at: timestamp("First reply from support; empty while unanswered.").nullable().optional(),
    escalated_at: timestamp("When the ticket was escalated (to engineering or management); empty if never.").nullable().optional(),
    is_escalated: bool("Escalated at some point, for help desks that record a flag but no time (counted from opened_at).")
      .nullable()
      .optional(),
  }),
  rules: [
    { column: "closed_at", predicate: "closed_at >= opened_at", expected: "on or after opened_at" },
    { column: "first_response_at", predicate: "first_response_at >= opened_at", expected: "on or after opened_at" },
    { column: "escalated_at", predicate: "escalated_at >= opened_at", expected: "on or after opened_at" },
    {
      column: "is_escalated",
      predicate: "is_escalated or escalated_at is null",
      expected: "true (or empty) when escalated_at is set",
    },
  ],
};

const surveyResponses: TableContract = {
  name: "survey_responses",
  source: "surveys",
  description: "Relationship and transactional survey answers. Each row carries at least one of NPS, CSAT or CES.",
  grain: "one row per survey response",
  presence: "optional",
  key: ["response_id"],
  columns: z.object({
    response_id: id("Response identifier."),
    account_id: ref("accounts.account_id", "Account of the respondent."),
    contact_id: ref("contacts.contact_id", "Respondent.").nullable(),
    responded_at: timestamp("When the answer was given."),
    nps: int("Likelihood to recommend, 0 to 10.", { min: 0, max: 10 }).nullable(),
    csat: int("Satisfaction, 1 (very unsatisfied) to 5 (very satisfied).", { min: 1, max: 5 }).nullable(),
    ces: int("Customer effort, 1 (very hard) to 7 (very easy).", { min: 1, max: 7 }).nullable(),
    comment: text("Free-text comment.").nullable().optional(),
  }),
  rules: [
    {
      column: "nps",
      predicate: "coalesce(nps, csat, ces) is not null",
      expected: "at least one of nps, csat or ces",
    },
  ],
};

const featureRequests: TableContract = {
  name: "feature_requests",
  source: "product",
  description: "Product requests raised by customers and what became of them.",
  grain: "one row per request",
  presence: "optional",
  key: ["request_id"],
  columns: z.object({
    request_id: id("Request identifier."),
    account_id: ref("accounts.account_id", "Requesting account."),
    feature: text("Feature or capability asked for; repeated asks share this name."),
    priority: oneOf(PRIORITIES, "Priority for the customer."),
    status: oneOf(REQUEST_STATUSES, "Status at export time."),
    requested_at: timestamp("When it was requested."),
    shipped_at: timestamp("When it shipped; empty if not shipped.").nullable(),
    declined_at: timestamp("When it was declined; empty if not declined.").nullable().optional(),
  }),
  rules: [{ column: "shipped_at", predicate: "shipped_at >= requested_at", expected: "on or after requested_at" }],
};

const onboardingProjects: TableContract = {
  name: "onboarding_projects",
  source: "cs_platform",
  description: "Implementation projects, with their planned and actual go-live.",
  grain: "one row per project",
  presence: "optional",
  key: ["project_id"],
  columns: z.object({
    project_id: id("Project identifier."),
    account_id: ref("accounts.account_id", "Account being onboarded."),
    started_at: timestamp("Kick-off."),
    target_go_live_date: date("Planned go-live.").meta({ mayBeFuture: true }),
    go_live_at: timestamp("Actual go-live (first value); empty until live.").nullable(),
  }),
  rules: [{ column: "go_live_at", predicate: "go_live_at >= started_at", expected: "on or after started_at" }],
};

const onboardingStatusUpdates: TableContract = {
  name: "onboarding_status_updates",
  source: "cs_platform",
  description: "The red/yellow/green status history of each onboarding project.",
  grain: "one row per project status update",
  presence: "optional",
  key: ["project_id", "updated_at"],
  columns: z.object({
    project_id: ref("onboarding_projects.project_id", "Project."),
    updated_at: timestamp("When the status was set."),
    status: oneOf(PROJECT_STATUSES, "Project status from that moment on."),
  }),
};

const trainings: TableContract = {
  name: "trainings",
  source: "cs_platform",
  description: "Courses and certifications completed by contacts.",
  grain: "one row per completion",
  presence: "optional",
  key: ["training_id"],
  columns: z.object({
    training_id: id("Completion identifier."),
    account_id: ref("accounts.account_id", "Account of the learner."),
    contact_id: ref("contacts.contact_id", "Learner."),
    course: text("Course or certification name."),
    kind: oneOf(TRAINING_KINDS, "Course or certification."),
    completed_at: timestamp("Completion time."),
  }),
};

const fitAssessments: TableContract = {
  name: "fit_assessments",
  source: "cs_platform",
  description: "CSM or sales assessments of how well the customer fits the product.",
  grain: "one row per assessment",
  presence: "optional",
  key: ["assessment_id"],
  columns: z.object({
    assessment_id: id("Assessment identifier."),
    account_id: ref("accounts.account_id", "Assessed account."),
    assessed_at: timestamp("When it was assessed."),
    fit_score: int("Overall fit, 0 (poor) to 100 (ideal customer profile).", { min: 0, max: 100 }),
    has_executive_sponsor: bool("An executive sponsors the project."),
    has_long_term_strategy: bool("The product is part of the customer's long-term plan."),
    implementation_readiness: int("Readiness to implement, 1 (not ready) to 5 (fully ready).", { min: 1, max: 5 }),
  }),
};

const externalRiskEvents: TableContract = {
  name: "external_risk_events",
  source: "crm",
  description: "Risks outside CS's control: mergers and acquisitions, bankruptcy, regulation, layoffs.",
  grain: "one row per event",
  presence: "optional",
  key: ["event_id"],
  columns: z.object({
    event_id: id("Event identifier."),
    account_id: ref("accounts.account_id", "Affected account."),
    occurred_at: timestamp("When it became known."),
    kind: oneOf(RISK_KINDS, "What happened."),
    severity: oneOf(RISK_SEVERITIES, "Expected impact on the relationship."),
    description: text("Short note.").nullable().optional(),
  }),
};

const subscriptionChanges: TableContract = {
  name: "subscription_changes",
  source: "crm",
  description: "Seat and plan history. Gives seats and plan as of any past date; without it, today's seats are used for all of history.",
  grain: "one row per subscription change",
  presence: "optional",
  key: ["change_id"],
  columns: z.object({
    change_id: id("Change identifier."),
    account_id: ref("accounts.account_id", "Account."),
    changed_at: timestamp("When the change took effect."),
    kind: oneOf(
      CHANGE_KINDS,
      "Kind of change; churn (the customer left, seats and ARR usually 0) and reactivation (it came back) mark churn episodes.",
    ),
    seats: int("Seats after the change.", { min: 0 }),
    plan: text("Plan after the change."),
    arr: num("ARR after the change.", { min: 0 }),
  }),
};

const interventions: TableContract = {
  name: "interventions",
  source: "cs_platform",
  description:
    "What the team did for an account: a playbook run, a call, a QBR, a task from `health notify`. Lets outcomes be measured against what was done and when.",
  grain: "one row per intervention",
  presence: "optional",
  key: ["intervention_id"],
  columns: z.object({
    intervention_id: id("Intervention identifier."),
    account_id: ref("accounts.account_id", "Account acted on."),
    started_at: timestamp("When the action started (first call, task opened)."),
    completed_at: timestamp("When it was completed; empty while in progress.").nullable().optional(),
    kind: text("Playbook or kind of action, in the team's own words (e.g. executive call, training, QBR)."),
    owner: text("Who acted (a CSM name, as in accounts.csm_owner).").nullable().optional(),
    alert_id: text("The alert it answered, if any: an alert_id of alerts.csv, or the task_id of a `health notify` CRM task.")
      .nullable()
      .optional(),
    outcome: oneOf(INTERVENTION_OUTCOMES, "What came of it; empty while not known yet.").nullable().optional(),
  }),
  rules: [{ column: "completed_at", predicate: "completed_at >= started_at", expected: "on or after started_at" }],
};

const churnEvents: TableContract = {
  name: "churn_events",
  source: "crm",
  description:
    "Every time a customer left, and when it came back: a returning customer is scored again and the backtest labels each churn. An account with rows here takes its churn episodes from them; else from subscription_changes of kind churn and reactivation; else accounts.churned_at is its one churn.",
  grain: "one row per churn episode",
  presence: "optional",
  key: ["account_id", "churned_at"],
  columns: z.object({
    account_id: ref("accounts.account_id", "Account that left."),
    churned_at: timestamp("When the customer left."),
    reactivated_at: timestamp("When it became a customer again; empty if it has not (yet).").nullable().optional(),
    reason: text("Why it left, as recorded.").nullable().optional(),
  }),
  rules: [
    { column: "reactivated_at", predicate: "reactivated_at > churned_at", expected: "after churned_at" },
    {
      column: "churned_at",
      // Correlated on the row's own columns: inner names are renamed so that account_id,
      // churned_at and reactivated_at below refer to the row being checked.
      predicate: `not exists (
        select 1 from (select account_id as other_account, churned_at as other_churned from stg_churn_events) as other
        where other_account = account_id and other_churned > churned_at
          and (reactivated_at is null or other_churned < reactivated_at))`,
      expected: "no later churn of the account before this one's reactivated_at (an account cannot leave while it is gone)",
    },
  ],
  warnings: [
    {
      message: "accounts whose churned_at matches none of their churn_events (churn_events is used)",
      query: `select a.account_id as offender from stg_accounts a
              where a.churned_at is not null
                and exists (select 1 from stg_churn_events e where e.account_id = a.account_id)
                and not exists (select 1 from stg_churn_events e where e.account_id = a.account_id
                                and cast(e.churned_at as date) = cast(a.churned_at as date))`,
    },
  ],
};

/** Every table of the contract, parents before children (foreign keys point backwards). */
export const TABLES: readonly TableContract[] = [
  accounts,
  contacts,
  features,
  usageEvents,
  usageDaily,
  supportTickets,
  surveyResponses,
  featureRequests,
  onboardingProjects,
  onboardingStatusUpdates,
  trainings,
  fitAssessments,
  externalRiskEvents,
  subscriptionChanges,
  interventions,
  churnEvents,
];

/** Tables of which at least one must be present. */
export const ONE_OF_REQUIRED: readonly (readonly string[])[] = [["usage_events", "usage_daily"]];

export function tableContract(name: string): TableContract {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`unknown table "${name}"`);
  return table;
}
