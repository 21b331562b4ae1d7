/**
 * The planted behaviours: which scenarios exist, how many accounts get each, which accounts can
 * carry them, and their assignment (each account at most one scenario; the rest are `baseline`).
 * Everything here ends up in `_answers/`, never in the export tables.
 */
import type { Database } from "../db/duckdb.ts";

export const SCENARIOS = [
  "usage_decline_churn",
  "champion_left_churn",
  "sponsor_left",
  "p0_bug_storm",
  "stalled_onboarding",
  "promoter_decline",
  "low_utilisation_power_users",
  "expansion",
  "merger_acquisition",
  "bankruptcy",
  "decline_recover",
  "silent_churn",
] as const;
export type Scenario = (typeof SCENARIOS)[number] | "baseline";

/** What a good health score should say about an account of each scenario. */
export const EXPECTED: Record<Scenario, "at_risk" | "expansion" | "healthy" | "recovers"> = {
  usage_decline_churn: "at_risk",
  champion_left_churn: "at_risk",
  sponsor_left: "at_risk",
  p0_bug_storm: "at_risk",
  stalled_onboarding: "at_risk",
  promoter_decline: "at_risk",
  low_utilisation_power_users: "at_risk",
  expansion: "expansion",
  merger_acquisition: "at_risk",
  bankruptcy: "at_risk",
  decline_recover: "recovers",
  // Churn with no signal in the data: nothing for a score to flag, which is the honest point of it.
  silent_churn: "healthy",
  baseline: "healthy",
};

/**
 * Which accounts can carry a planting:
 * - `renewal`: has a renewal date late enough in the window to churn at it with a visible lead-up;
 * - `onboarding_renewal`: signed in the window and its first renewal falls in the window;
 * - `onboarding`: signed in the window, at least `spanDays` before its end;
 * - `span`: active for `spanDays` inside the window after its first eight weeks.
 */
export type Eligibility = "renewal" | "onboarding_renewal" | "onboarding" | "span";

export interface Planting {
  scenario: (typeof SCENARIOS)[number];
  churns: boolean;
  /** Accounts per 500, scaled to the requested number of accounts. */
  per500: number;
  eligibility: Eligibility;
  spanDays: number;
  minSeats: number;
}

/** In assignment order: the scenarios with the fewest eligible accounts go first. */
export const PLANTINGS: readonly Planting[] = [
  { scenario: "stalled_onboarding", churns: true, per500: 7, eligibility: "onboarding_renewal", spanDays: 0, minSeats: 0 },
  { scenario: "stalled_onboarding", churns: false, per500: 3, eligibility: "onboarding", spanDays: 112, minSeats: 0 },
  { scenario: "bankruptcy", churns: true, per500: 4, eligibility: "span", spanDays: 100, minSeats: 0 },
  { scenario: "usage_decline_churn", churns: true, per500: 30, eligibility: "renewal", spanDays: 0, minSeats: 0 },
  { scenario: "champion_left_churn", churns: true, per500: 10, eligibility: "renewal", spanDays: 0, minSeats: 0 },
  { scenario: "p0_bug_storm", churns: true, per500: 6, eligibility: "renewal", spanDays: 0, minSeats: 0 },
  { scenario: "promoter_decline", churns: true, per500: 5, eligibility: "renewal", spanDays: 0, minSeats: 0 },
  { scenario: "merger_acquisition", churns: true, per500: 4, eligibility: "renewal", spanDays: 0, minSeats: 0 },
  { scenario: "silent_churn", churns: true, per500: 20, eligibility: "renewal", spanDays: 0, minSeats: 0 },
  { scenario: "low_utilisation_power_users", churns: false, per500: 15, eligibility: "span", spanDays: 84, minSeats: 12 },
  { scenario: "expansion", churns: false, per500: 20, eligibility: "span", spanDays: 140, minSeats: 0 },
  { scenario: "p0_bug_storm", churns: false, per500: 6, eligibility: "span", spanDays: 56, minSeats: 0 },
  { scenario: "promoter_decline", churns: false, per500: 7, eligibility: "span", spanDays: 112, minSeats: 0 },
  { scenario: "merger_acquisition", churns: false, per500: 4, eligibility: "span", spanDays: 56, minSeats: 0 },
  { scenario: "sponsor_left", churns: false, per500: 10, eligibility: "span", spanDays: 84, minSeats: 0 },
  { scenario: "decline_recover", churns: false, per500: 15, eligibility: "span", spanDays: 98, minSeats: 0 },
];

/** How many accounts get a planting: proportional, and at least one once the book has 25 accounts. */
export function quotaFor(planting: Planting, accounts: number): number {
  const scaled = Math.round((planting.per500 * accounts) / 500);
  return accounts >= 25 ? Math.max(1, scaled) : scaled;
}

const ELIGIBILITY_SQL = `
create or replace table gen_eligibility as
with bounds as (
  -- a churn at renewal needs room before it for its lead-up: the first third of the window, at most 27 weeks
  select getvariable('start_date') + greatest(28, least(189, getvariable('days') // 3)) as churn_from
), anniversaries as (
  select b.i, r.k, (b.contract_start + to_years(r.k::integer))::date as renewal
  from gen_account_base b cross join range(1, 10) r(k)
), churnable as (
  select a.i, a.renewal, row_number() over (partition by a.i order by u('renewal-pick', a.i, a.k)) as pick
  from anniversaries a cross join bounds
  where a.renewal between bounds.churn_from and getvariable('end_date')
)
select b.i, b.contract_start, b.seats0, bounds.churn_from,
  (b.contract_start + to_years(1))::date as first_anniversary,
  c.renewal as churn_renewal,
  greatest(getvariable('start_date') + 14, b.contract_start + 56) as span_from
from gen_account_base b
cross join bounds
left join churnable c on c.i = b.i and c.pick = 1`;

const ASSIGN_SQL = `
insert into gen_assignments
select e.i, $scenario::varchar, $churns::boolean, $span_days::integer
from gen_eligibility e
where not exists (select 1 from gen_assignments a where a.i = e.i)
  and e.seats0 >= $min_seats::integer
  and case $eligibility::varchar
    when 'renewal' then e.churn_renewal is not null
    when 'onboarding_renewal' then e.contract_start >= getvariable('start_date')
      and e.first_anniversary between e.churn_from and getvariable('end_date')
    when 'onboarding' then e.contract_start >= getvariable('start_date')
      and e.contract_start <= getvariable('end_date') - $span_days::integer
    else e.span_from + $span_days::integer <= getvariable('end_date') - 14
  end
order by u('assign', e.i, $pass::integer)
limit $quota::integer`;

/** Assigns scenarios to accounts of `gen_account_base`, into `gen_assignments(i, scenario, churns, span_days)`. */
export async function assignScenarios(db: Database, accounts: number): Promise<void> {
  await db.run(ELIGIBILITY_SQL);
  await db.run("create or replace table gen_assignments (i bigint primary key, scenario varchar, churns boolean, span_days integer)");
  for (const [pass, planting] of PLANTINGS.entries()) {
    await db.run(ASSIGN_SQL, {
      scenario: planting.scenario,
      churns: planting.churns,
      span_days: planting.spanDays,
      min_seats: planting.minSeats,
      eligibility: planting.eligibility,
      pass,
      quota: quotaFor(planting, accounts),
    });
  }
}
