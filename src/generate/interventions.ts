/**
 * The demo team's interventions, into `out_interventions`, with a planted effect whose ground truth
 * goes to `_answers/interventions.csv` and `_answers/summary.json` (`interventions`).
 *
 * Among the accounts whose planted story puts them at risk (scenarios expected `at_risk`), each is
 * given one arm by its own draw, conditional on whether its story churns, so that the save rate
 * (share not churned) differs by arm:
 * - `proactive`: acted on 7-35 days after its risk started, before the renewal window
 *   (more than RENEWAL_WINDOW_DAYS before the next renewal);
 * - `reactive`: acted on only inside the renewal window, 10-80 days before the renewal;
 * - `none`: nobody acted.
 * An arm whose timing is impossible for the account (a churn at a renewal too close to the risk's
 * start for a proactive action, no renewal before the export for a reactive one) becomes `none`.
 * The realised counts and save rates per arm are what `_answers/` states.
 *
 * Churn is not changed: every other table stays byte-identical. The effect is planted by choosing
 * who is acted on given the outcome (as a book's history would show it), with draws salted
 * `intervention-*`, a stream of their own.
 *
 * What `health outcomes` can recover: the proactive and reactive rates (every acted episode is on a
 * planted account). Not the `none` rate: it is counted once per planted at-risk account, a
 * population only the hidden truth picks out, while most episodes nobody acts on are the score's
 * false alarms on accounts with no planted risk, in every severity stratum the acted ones fall in.
 * Choosing the team's arms among what it could see (the score's episodes) would need the score here,
 * and a check against an answer made from the tool's own episodes would be circular.
 */
import type { Database } from "../db/duckdb.ts";
import { EXPECTED } from "./scenarios.ts";

/** The renewal window the demo team works in (the default formula's alerts.renewal_window_days). */
export const RENEWAL_WINDOW_DAYS = 90;

/**
 * Probability of each arm by outcome: a saved account was mostly acted on early, a churned one
 * mostly late or not at all. On the demo's 500 accounts this gives save rates of about 0.8
 * (proactive), 0.35 (reactive) and 0.2 (none) among the planted at-risk accounts.
 */
export const ARM_SHARES = {
  saved: { proactive: 0.5, reactive: 0.45 },
  churned: { proactive: 0.2, reactive: 0.2 },
} as const;

const PROACTIVE_KINDS = ["executive sponsor call", "adoption workshop", "success plan review", "health check call"];
const REACTIVE_KINDS = ["renewal rescue call", "commercial concession", "executive escalation"];

const ARMS_SQL = `
create or replace table gen_intervention_arms as
with planted as (
  select a.i, a.account_id, a.csm_owner, a.scenario, a.signal_date, a.contract_start,
    a.churn_date is not null and a.churn_date <= getvariable('end_date') as churned,
    a.churn_date
  from gen_accounts a
  where list_contains(cast($at_risk::json as varchar[]), a.scenario)
    and a.signal_date is not null
    and a.signal_date >= getvariable('start_date')
    and a.signal_date <= getvariable('end_date') - 28
    and (a.churn_date is null or a.churn_date > a.signal_date + 14)
), timed as (
  select *,
    -- the first renewal (contract anniversary) at least two weeks after the risk started
    list_min(list_filter(
      list_transform(range(1, 12), lambda k: (contract_start + to_years(k::integer))::date),
      lambda d: d >= signal_date + 14)) as next_renewal,
    signal_date + between_int(u('intervention-proactive-day', i, 0), 7, 35) as proactive_day
  from planted
), placed as (
  select *,
    -- 10 to 80 days before the renewal, and at least a week after the risk started
    next_renewal - between_int(u('intervention-reactive-day', i, 0), 10, greatest(10, least(80, next_renewal - signal_date - 7))) as reactive_day,
    u('intervention-arm', i, 0) as r
  from timed
), eligible as (
  select *,
    proactive_day < next_renewal - $window::integer
      and (churn_date is null or proactive_day < churn_date - 7)
      and proactive_day <= getvariable('end_date') - 7 as can_proactive,
    reactive_day >= signal_date + 7
      and (churn_date is null or reactive_day < churn_date)
      and next_renewal <= getvariable('end_date') as can_reactive
  from placed
), drawn as (
  select *,
    case
      when r < if(churned, $churned_proactive, $saved_proactive) then 'proactive'
      when r < if(churned, $churned_proactive + $churned_reactive, $saved_proactive + $saved_reactive) then 'reactive'
      else 'none'
    end as drawn_arm
  from eligible
)
select i, account_id, csm_owner, scenario, churned, signal_date, next_renewal, can_proactive, can_reactive,
  case
    when drawn_arm = 'proactive' and can_proactive then 'proactive'
    when drawn_arm = 'reactive' and can_reactive then 'reactive'
    else 'none'
  end as arm,
  case
    when drawn_arm = 'proactive' and can_proactive then proactive_day
    when drawn_arm = 'reactive' and can_reactive then reactive_day
  end as action_day
from drawn`;

const INTERVENTIONS_SQL = `
create or replace table out_interventions as
with acted as (
  select g.*, a.region,
    instant(day_of(g.action_day), office_second(a.region, u('intervention-time', g.i, 0))) as started_at,
    between_int(u('intervention-length', g.i, 0), 2, 21) as length_days
  from gen_intervention_arms g join gen_accounts a using (i)
  where g.arm <> 'none'
), numbered as (
  select *, row_number() over (order by started_at, i) as n, count(*) over () as total from acted
)
select 'INT-' || lpad(n::varchar, greatest(4, length(total::varchar))::integer, '0') as intervention_id,
  account_id,
  started_at,
  if(started_at + to_days(length_days) < getvariable('export_ts'), started_at + to_days(length_days), null) as completed_at,
  if(arm = 'proactive', pick(cast($proactive_kinds::json as varchar[]), u('intervention-kind', i, 0)),
     pick(cast($reactive_kinds::json as varchar[]), u('intervention-kind', i, 0))) as kind,
  csm_owner as owner,
  cast(null as varchar) as alert_id,
  case when started_at + to_days(length_days) >= getvariable('export_ts') then null
       when churned then 'churned' else 'retained' end as outcome
from numbered`;

const ANSWERS_SQL = `
create or replace table out_intervention_answers as
select account_id, scenario, arm, churned, signal_date, next_renewal, action_day
from gen_intervention_arms`;

/** Builds `gen_intervention_arms`, `out_interventions` and `out_intervention_answers` (needs `gen_accounts`). */
export async function buildInterventions(db: Database): Promise<void> {
  const atRisk = Object.entries(EXPECTED)
    .filter(([, expected]) => expected === "at_risk")
    .map(([scenario]) => scenario);
  await db.run(ARMS_SQL, {
    at_risk: JSON.stringify(atRisk),
    window: RENEWAL_WINDOW_DAYS,
    saved_proactive: ARM_SHARES.saved.proactive,
    saved_reactive: ARM_SHARES.saved.reactive,
    churned_proactive: ARM_SHARES.churned.proactive,
    churned_reactive: ARM_SHARES.churned.reactive,
  });
  await db.run(INTERVENTIONS_SQL, { proactive_kinds: JSON.stringify(PROACTIVE_KINDS), reactive_kinds: JSON.stringify(REACTIVE_KINDS) });
  await db.run(ANSWERS_SQL);
}

export interface PlantedArm {
  arm: "proactive" | "reactive" | "none";
  accounts: number;
  saved: number;
  save_rate: number | null;
}

/** The realised save rate of each arm, for `_answers/summary.json`. */
export async function plantedInterventionRates(
  db: Database,
): Promise<{ description: string; renewal_window_days: number; arms: PlantedArm[] }> {
  const rows = await db.all<{ arm: PlantedArm["arm"]; accounts: number; saved: number }>(`
    select arm, count(*)::integer as accounts, count(*) filter (where not churned)::integer as saved
    from gen_intervention_arms group by arm order by arm`);
  const arms = (["proactive", "reactive", "none"] as const).map((arm) => {
    const row = rows.find((r) => r.arm === arm);
    const accounts = row?.accounts ?? 0;
    const saved = row?.saved ?? 0;
    return { arm, accounts, saved, save_rate: accounts > 0 ? saved / accounts : null };
  });
  return {
    description:
      "Planted at-risk accounts by what the team did: proactive (acted on 1-5 weeks after the risk started, before the renewal window), reactive (acted on only inside the renewal window), none. save_rate = share that did not churn.",
    renewal_window_days: RENEWAL_WINDOW_DAYS,
    arms,
  };
}
