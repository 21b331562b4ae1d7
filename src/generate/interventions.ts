/**
 * The demo team's interventions, into `out_interventions`, with a causal effect whose ground truth
 * goes to `_answers/interventions.csv` and `_answers/summary.json` (`interventions`).
 *
 * Who the team acts on: only what a CSM could see. Every week, for every live account with 26 weeks
 * of history, the team looks at the data up to the end of that week, the rows the export holds:
 * - a usage decline: the account's usage events per week (usage.ts buildWeeklyUsage, the same events
 *   the export holds), the last 4 weeks against the 22 before them (a slow decline shows too);
 * - P0/P1 tickets opened in the last 4 weeks (out_support_tickets);
 * - detractors: at least half the NPS answers of the last 13 weeks at 6 or below (out_survey_responses);
 * - the renewal approaching: the next contract anniversary at most RENEWAL_WINDOW_DAYS away.
 * Their concern (TEAM_RULE) and the CSM's capacity that week (a draw per CSM and week) give the
 * probability of acting in the following week; the first hit is the account's one intervention.
 * Never the scenario, the planted signal or anything after the action day; never the tool's score
 * or episodes (an answer made from them would make the check circular). So the team acts on false
 * alarms too (a holiday dip, noise, a bad week of tickets), and misses real risk when nothing shows
 * or nobody has time.
 *
 * How far the action reaches: to SAVE_DAYS after the trouble stopped showing, the first four weeks
 * in a row with the concern below TEAM_RULE.concernFrom after the action (or the account's last
 * week), `judged_on`. A churn the story reaches after that is not the action's to prevent.
 *
 * What the action does (EFFECT): an account that would churn at a renewal at least a week after the
 * action and by `judged_on` renews instead with probability `proactive` if acted on more than
 * RENEWAL_WINDOW_DAYS before that renewal, `reactive` if inside the window. An insolvency is never
 * saved; an account that would not churn stays as it was. Acting changes nothing else.
 *
 * How it is built (demo-warehouse.ts): the book is generated once as if nobody acted; the team's
 * choices are made from those tables (which equal the real ones up to each action day: a save only
 * changes what follows the would-be churn); the saves go to `gen_saves`, and the story tables are
 * generated again. For a saved account the churn is gone: no churned_at, usage, tickets and surveys
 * go on after the renewal and usage recovers to normal over six weeks; its trainings and contacts'
 * tenures are drawn over the longer life. Every other account's rows are unchanged but for the row
 * numbers in the ids of time-ordered tables (TKT-, RSP-, SUB-...), which the saved accounts' extra
 * rows shift. Draws are salted `intervention-*`, a stream of their own.
 *
 * The truth (`_answers/interventions.csv`, one row per acted account): its intervention, its arm
 * (proactive or reactive, by the renewal window at the action: the rule `health outcomes` applies)
 * and both potential outcomes as dates: `would_churn_date`, the churn the story reaches had nobody
 * acted (none: it stays), and `churn_date`, the churn it had (none when it stays or the action saved
 * it). With them the truth is known for any judge day D: saved = no churn_date by D, saved without
 * the action = no would_churn_date by D. One judging rule for truth and tool, with no circularity:
 * the generator never computes the tool's score or episodes; the evaluation
 * (src/sql/evaluation/planted_outcomes.sql, `npm run demo:evaluate`, test/outcomes/planted.test.ts)
 * reads the truth at the judge day of each episode `health outcomes` judged, on its population.
 * `_answers/summary.json` (`interventions`) states the same truth at the team's own judge day,
 * `judged_on`, per acted account: per arm, the share of the decided ones with no churn by then; and
 * `no_action`, the share of the decided acted accounts with no would-be churn by then (the ATT
 * counterfactual); the columns judged_on, churned, would_churn, is_decided and is_decided_unacted
 * give it row by row.
 */
import type { Database } from "../db/duckdb.ts";
import { buildUsageActors, buildWeeklyUsage } from "./usage.ts";

/** The renewal window the demo team works in (the default formula's alerts.renewal_window_days). */
export const RENEWAL_WINDOW_DAYS = 90;

/** Days after the trouble stopped showing that an action still reaches a churn, and the team's judge day in summary.json (health outcomes' --save-after default). */
export const SAVE_DAYS = 90;

/** The causal effect: probability that an action saves an account that would churn at its renewal. */
export const EFFECT = { proactive: 0.7, reactive: 0.3 } as const;

/**
 * The team's rule. concern = decline + tickets + detractors, where decline goes from 0 at a recent
 * level of `declineFrom` times the earlier one to 1 at `declineFrom - declineSpan`; tickets is the
 * number of P0/P1 tickets of the last 4 weeks over `ticketsFull` (at most 1) times `ticketWeight`;
 * detractors is `detractorWeight` when at least half the NPS answers of the last 13 weeks are 0-6.
 * From a concern of `concernFrom`, the weekly probability of acting is min(maxWeekly, perConcern x
 * concern x (renewalBoost inside the renewal window)) x capacity, the CSM's capacity that week
 * uniform in [capacityMin, 1]. A CSM with a full book acts on some of what they see, not all: a
 * clear decline in the renewal window is acted on within its 13 weeks about three times in four,
 * one outside it within 13 weeks about half the time, so accounts that look alike end up both acted
 * on and not (which is what lets a like-with-like comparison stand in for the counterfactual).
 */
export const TEAM_RULE = {
  declineFrom: 0.85,
  declineSpan: 0.35,
  ticketsFull: 3,
  ticketWeight: 0.5,
  detractorWeight: 0.5,
  concernFrom: 0.3,
  perConcern: 0.08,
  renewalBoost: 2,
  maxWeekly: 0.16,
  capacityMin: 0.3,
  historyWeeks: 26,
} as const;

const PROACTIVE_KINDS = ["executive sponsor call", "adoption workshop", "success plan review", "health check call"];
const REACTIVE_KINDS = ["renewal rescue call", "commercial concession", "executive escalation"];

const WATCH_SQL = `
create or replace table gen_team_watch as
with weeks as (
  select w.i, w.w, w.week_start, w.is_active, coalesce(e.events, 0) as level, a.account_id, a.csm_owner, a.contract_start, a.churn_date
  from gen_account_weeks w join gen_accounts a using (i)
  left join gen_week_events e on e.account_id = a.account_id and e.w = w.w
), tickets as (
  select account_id, (day_of(opened_at) // 7)::integer as w, count(*)::integer as severe
  from out_support_tickets where severity in ('P0', 'P1') group by all
), answers as (
  select account_id, (day_of(responded_at) // 7)::integer as w,
    count(*)::integer as nps_answers, count(*) filter (where nps <= 6)::integer as detractors
  from out_survey_responses where nps is not null group by all
), joined as (
  select wk.*, coalesce(t.severe, 0) as severe, coalesce(s.nps_answers, 0) as nps_answers, coalesce(s.detractors, 0) as detractors
  from weeks wk
  left join tickets t using (account_id, w)
  left join answers s using (account_id, w)
), windowed as (
  select *,
    avg(level) over (partition by i order by w rows between 3 preceding and current row) as recent_level,
    avg(level) over (partition by i order by w rows between 25 preceding and 4 preceding) as earlier_level,
    count(*) filter (where is_active) over (partition by i order by w rows between 25 preceding and current row) as active_weeks,
    sum(severe) over (partition by i order by w rows between 3 preceding and current row) as severe_4w,
    sum(nps_answers) over (partition by i order by w rows between 12 preceding and current row) as nps_13w,
    sum(detractors) over (partition by i order by w rows between 12 preceding and current row) as detractors_13w
  from joined
), seen as (
  -- what the team sees at the end of week w; it acts (or not) in week w + 1
  select *,
    week_start + 7 + between_int(u('intervention-day', i, w), 0, 4) as action_day,

    clamp(($decline_from - recent_level / greatest(earlier_level, 1)) / $decline_span, 0, 1)
      + $ticket_weight * least(severe_4w / $tickets_full, 1)
      + if(nps_13w > 0 and 2 * detractors_13w >= nps_13w, $detractor_weight, 0) as concern
  from windowed
  where is_active and active_weeks = $history_weeks
), renewing as (
  select *,
    list_min(list_filter(
      list_transform(range(0, 40), lambda k: (contract_start + to_years(k::integer))::date),
      lambda d: d >= action_day)) as next_renewal
  from seen
)
select i, account_id, csm_owner, w, week_start, action_day, next_renewal, churn_date, concern,
  least($max_weekly, $per_concern * concern * if(next_renewal - action_day <= $window, $renewal_boost, 1))
    * ($capacity_min + (1 - $capacity_min) * u('intervention-capacity', csm_owner, w)) as p_act
from renewing`;

const ARMS_SQL = `
create or replace table gen_intervention_arms as
with first_actions as (
  select i, arg_min(action_day, w) as action_day, arg_min(next_renewal, w) as next_renewal, min(w) as w
  from gen_team_watch
  where concern >= $concern_from and u('intervention-act', i, w) < p_act
    and action_day <= getvariable('end_date') - 7
    and (churn_date is null or action_day < churn_date)
  group by i
), quiet as (
  -- weeks that end a spell of concern: this one and the next three below concern_from (or the last ones seen)
  select i, w, week_start,
    coalesce(max(concern) over (partition by i order by w rows between current row and 3 following) < $concern_from, true) as ends_spell
  from gen_team_watch
), spells as (
  -- the action reaches to $save_days days after the trouble it answered stopped showing: the team's
  -- judge day of summary.json (undecided there when after the history)
  select f.i, any_value(f.action_day) as action_day, any_value(f.next_renewal) as next_renewal,
    coalesce(min(q.week_start) filter (where q.w > f.w and q.ends_spell), max(q.week_start) + 7) - 1 + $save_days as judged_on
  from first_actions f join quiet q on q.i = f.i
  group by f.i
), effect as (
  select f.*, a.account_id, a.csm_owner, a.scenario, a.would_churn_date,
    if(f.next_renewal - f.action_day <= $window, 'reactive', 'proactive') as arm,
    -- the outcome without the action: the story churns before the trouble is judged
    coalesce(a.would_churn_date <= f.judged_on, false) as would_churn,
    -- known once judged inside the history, or at once for a churn (as health outcomes decides an episode)
    coalesce(f.judged_on <= getvariable('end_date') or a.would_churn_date <= least(f.judged_on, getvariable('end_date')), false)
      as is_decided_unacted,
    -- what an action can save: that churn, at a renewal at least a week away
    coalesce(a.would_churn_date <= f.judged_on and a.scenario <> 'bankruptcy'
      and a.would_churn_date - f.action_day >= 7, false) as saveable
  from spells f join gen_accounts a using (i)
)
select i, account_id, csm_owner, scenario, arm, action_day, next_renewal, judged_on, is_decided_unacted, would_churn_date, would_churn,
  saveable and u('intervention-save', i, 0) < if(arm = 'proactive', $p_proactive, $p_reactive) as saved_by_action
from effect`;

const SAVES_SQL = `
create or replace table gen_saves as
select i from gen_intervention_arms where saved_by_action order by i`;

const INTERVENTIONS_SQL = `
create or replace table out_interventions as
with acted as (
  select g.*, a.region, a.churn_date is not null and a.churn_date <= getvariable('end_date') as churned,
    instant(day_of(g.action_day), office_second(a.region, u('intervention-time', g.i, 0))) as started_at,
    between_int(u('intervention-length', g.i, 0), 2, 21) as length_days
  from gen_intervention_arms g join gen_accounts a using (i)
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
with outcomes as (
  select g.*, i.intervention_id, i.started_at, a.churn_date,
    coalesce(a.churn_date <= g.judged_on, false) as churned,
    coalesce(g.judged_on <= getvariable('end_date') or a.churn_date <= least(g.judged_on, getvariable('end_date')), false) as is_decided
  from gen_intervention_arms g join gen_accounts a using (i)
  join out_interventions i on i.account_id = g.account_id
)
select account_id, intervention_id, started_at, scenario, arm, action_day, next_renewal, would_churn_date, churn_date,
  saved_by_action, judged_on, would_churn, is_decided_unacted, churned, is_decided
from outcomes`;

/**
 * Plans the team's actions from the book as generated so far (needs `gen_accounts`,
 * `gen_account_weeks`, `out_support_tickets`, `out_survey_responses` and what usage events need)
 * into `gen_intervention_arms` and the accounts they save into `gen_saves`. Returns how many
 * accounts were saved: the story tables must then be generated again. `scratchDir` holds the
 * usage actors while the week's events are counted.
 */
export async function planInterventions(db: Database, scratchDir: string): Promise<number> {
  await buildUsageActors(db);
  await buildWeeklyUsage(db, scratchDir);
  await db.run(WATCH_SQL, {
    decline_from: TEAM_RULE.declineFrom,
    decline_span: TEAM_RULE.declineSpan,
    ticket_weight: TEAM_RULE.ticketWeight,
    tickets_full: TEAM_RULE.ticketsFull,
    detractor_weight: TEAM_RULE.detractorWeight,
    history_weeks: TEAM_RULE.historyWeeks,
    max_weekly: TEAM_RULE.maxWeekly,
    per_concern: TEAM_RULE.perConcern,
    renewal_boost: TEAM_RULE.renewalBoost,
    capacity_min: TEAM_RULE.capacityMin,
    window: RENEWAL_WINDOW_DAYS,
  });
  await db.run(ARMS_SQL, {
    concern_from: TEAM_RULE.concernFrom,
    save_days: SAVE_DAYS,
    window: RENEWAL_WINDOW_DAYS,
    p_proactive: EFFECT.proactive,
    p_reactive: EFFECT.reactive,
  });
  await db.run(SAVES_SQL);
  const row = await db.one<{ n: number }>("select count(*)::integer as n from gen_saves");
  return row?.n ?? 0;
}

/** Builds `out_interventions` and `out_intervention_answers` from the planned actions and the final `gen_accounts`. */
export async function buildInterventions(db: Database): Promise<void> {
  await db.run(INTERVENTIONS_SQL, { proactive_kinds: JSON.stringify(PROACTIVE_KINDS), reactive_kinds: JSON.stringify(REACTIVE_KINDS) });
  await db.run(ANSWERS_SQL);
}

export interface PlantedArm {
  arm: "proactive" | "reactive";
  accounts: number;
  saved: number;
  save_rate: number | null;
}

export interface PlantedNoAction {
  /** Accounts acted on (either arm) whose outcome without the action is known: judged inside the history, or a churn before then. */
  accounts: number;
  /** Of those, how many would not have churned inside the history had nobody acted. */
  saved: number;
  save_rate: number | null;
}

export interface PlantedInterventions {
  description: string;
  save_days: number;
  renewal_window_days: number;
  effect: { proactive: number; reactive: number };
  arms: PlantedArm[];
  no_action: PlantedNoAction;
  /** Accounts the team's action saved from a churn (their tables differ from a book nobody acted on). */
  saved_by_action: number;
  /** Acted accounts not judged inside the history and not churned: outcome not known, not in the arms' rates. */
  undecided: number;
}

/** The realised save rates of the arms and the no-action counterfactual of the acted, for `_answers/summary.json`. */
export async function plantedInterventionRates(db: Database): Promise<PlantedInterventions> {
  const rows = await db.all<{
    arm: PlantedArm["arm"];
    accounts: number;
    saved: number;
    survive_unacted: number;
    decided_unacted: number;
    saved_by_action: number;
    undecided: number;
  }>(`
    select arm, count(*) filter (where is_decided)::integer as accounts,
      count(*) filter (where is_decided and not churned)::integer as saved,
      count(*) filter (where is_decided_unacted)::integer as decided_unacted,
      count(*) filter (where is_decided_unacted and not would_churn)::integer as survive_unacted,
      count(*) filter (where saved_by_action)::integer as saved_by_action,
      count(*) filter (where not is_decided)::integer as undecided
    from out_intervention_answers group by arm order by arm`);
  const rate = (k: number, n: number) => (n > 0 ? k / n : null);
  const arms = (["proactive", "reactive"] as const).map((arm) => {
    const row = rows.find((r) => r.arm === arm);
    const accounts = row?.accounts ?? 0;
    const saved = row?.saved ?? 0;
    return { arm, accounts, saved, save_rate: rate(saved, accounts) };
  });
  const acted = rows.reduce((n, r) => n + r.decided_unacted, 0);
  const survive = rows.reduce((n, r) => n + r.survive_unacted, 0);
  return {
    description:
      "The demo team acts on what it can see (usage decline, P0/P1 tickets, detractors, renewal approaching; src/generate/interventions.ts). " +
      "An account that would churn at a renewal by save_days after the trouble stopped showing (four weeks in a row below the " +
      "team's concern) renews instead with probability effect.proactive (acted on before the renewal window) or effect.reactive " +
      "(inside it). _answers/interventions.csv gives each acted account's churn_date and would_churn_date (had nobody acted), so " +
      "the truth is known at any judge day; these figures take the team's own, that day (judged_on), per acted account: arms, " +
      "decided acted accounts by the renewal window at the action, save_rate = share with no churn by then; no_action, the share " +
      "with no would-be churn by then (the ATT counterfactual). npm run demo:evaluate restates them on the episodes health " +
      "outcomes judged, at its judge days.",
    save_days: SAVE_DAYS,
    renewal_window_days: RENEWAL_WINDOW_DAYS,
    effect: { ...EFFECT },
    arms,
    no_action: { accounts: acted, saved: survive, save_rate: rate(survive, acted) },
    saved_by_action: rows.reduce((n, r) => n + r.saved_by_action, 0),
    undecided: rows.reduce((n, r) => n + r.undecided, 0),
  };
}
