-- outcomes_episodes: every at-risk episode, whether and how fast someone acted, and what came of it.
-- grain: one row per at-risk episode of an account
-- key: account_id, episode_number
-- An episode is a run of weeks in the two worst tiers ($risk_tiers: the backtest's at-risk-or-watch
-- flag, the tiers whose playbooks ask a CSM to act); runs separated by fewer than
-- $gap_weeks weeks out of it (alerts.clear_after_weeks) are one episode. It opens at the earliest of
-- the first at-risk week's as_of instant and the raise of any alert of the account still open then
-- (acting on a leading alert before the tier fell is the proactive case), and it is last seen at
-- the as_of of its last at-risk week.
-- Acted on: an intervention on the account that started from $lead_in_days days before the opening
-- to $gap_weeks weeks after the last at-risk week (or the churn, if sooner), or one answering an
-- alert raised in the episode (interventions.alert_id) that started by then, however early. The first such action decides the response:
--   reactive   it started inside the renewal window (the next contract anniversary at most
--              $renewal_window_days days away) or while a renewal_risk alert was open (the contract
--              has no cancellation notice; a renewal_risk alert or the window is the late signal);
--   proactive  any earlier action, taken while only leading indicators had fired;
--   none       nobody acted.
-- Status: churned (a churn from the opening to $save_days days after last seen), open (still at
-- risk in the last scored weeks), too_recent (last seen less than $save_days days before the
-- export), else saved (still a customer $save_days days after the episode).
-- judged_at is the day the status is decided on: $save_days days after it was last seen (a churn
-- from the opening until then makes it churned; saved needs that day inside the export).
-- What the team could see of it, for the like-with-like comparison (outcomes_severity_strata):
-- worst_tier, the worst of $risk_tiers it reached; length_band, its length in flagged weeks (1-2,
-- 3-5, 6+); days_to_renewal_at_opening, from the opening to the next contract anniversary, and
-- is_renewal_window_at_opening, that at most $renewal_window_days; usage_vs_baseline_at_opening,
-- the account's usage of the last 4 weeks against its own 26 weeks before them
-- (measures_adoption.usage_vs_baseline_26w: -0.4 is 40% down) as of the last scored week known at
-- the opening, no later data; and its usage_decline_band: 'down 50%+', 'down 20-50%', 'not down'
-- (less than 20% down, or up) and 'no baseline' (too little history or use to compare).
with

weeks as (
    select account_id, week_start, week_end, as_of, tier from account_health_weekly
),

history as (
    select max(week_start) as last_week_start from weeks
),

flagged as (
    select
        account_id,
        week_start,
        week_end,
        as_of,
        list_position(cast($risk_tiers::json as varchar[]), tier)       as tier_position,
        date_diff('day', lag(week_start) over (partition by account_id order by week_start), week_start) as gap_days
    from weeks
    where list_contains(cast($risk_tiers::json as varchar[]), tier)
),

numbered as (
    select
        *,
        sum(case when gap_days is null or gap_days >= 7 * ($gap_weeks + 1) then 1 else 0 end)
            over (partition by account_id order by week_start rows unbounded preceding) as episode_number
    from flagged
),

runs as (
    select
        account_id,
        episode_number::integer                                         as episode_number,
        min(week_start)                                                 as first_week_start,
        min(week_end)                                                   as first_week_end,
        max(week_end)                                                   as last_week_end,
        min(as_of)                                                      as flagged_at,
        max(as_of)                                                      as last_seen_at,
        count(*)::integer                                               as weeks_at_risk,
        cast($risk_tiers::json as varchar[])[max(tier_position)]         as worst_tier,
        max(week_start) > (select last_week_start from history) - 7 * $gap_weeks as is_open,
        -- when the account's previous episode ended: an alert raised before then opened that one
        lag(max(as_of)) over (partition by account_id order by episode_number) + to_days(7 * $gap_weeks) as previous_ended_at
    from numbered
    group by account_id, episode_number
),

alert_spans as (
    select alert_id, account_id, kind, raised_as_of, cleared_week_end,
        coalesce(cast(cleared_week_end as timestamp) + interval 1 day, cast($exported_at as timestamp)) as cleared_at
    from alerts
),

open_alerts as (
    -- the earliest raise of an alert still open when the account entered the at-risk tier, raised
    -- after its previous episode ended
    select r.account_id, r.episode_number, min(a.raised_as_of) as first_open_alert_at
    from runs as r
    join alert_spans as a
        on a.account_id = r.account_id
       and a.raised_as_of <= r.flagged_at
       and a.cleared_at > r.flagged_at
       and (r.previous_ended_at is null or a.raised_as_of > r.previous_ended_at)
    group by all
),

opened as (
    select
        r.*,
        least(r.flagged_at, coalesce(o.first_open_alert_at, r.flagged_at)) as opened_at,
        r.last_seen_at + to_days(7 * $gap_weeks)                       as ended_at
    from runs as r
    left join open_alerts as o using (account_id, episode_number)
),

usage_at_opening as (
    -- the usage trend of the last scored week whose as_of is at or before the opening
    select o.account_id, o.episode_number, u.usage_vs_baseline_26w as usage_vs_baseline_at_opening
    from opened as o
    asof left join (
        select w.account_id, w.as_of, m.usage_vs_baseline_26w
        from weeks as w
        left join measures_adoption as m using (account_id, week_start)
    ) as u
        on u.account_id = o.account_id
       and u.as_of <= o.opened_at
),

churns as (
    select account_id, churned_at from int_churn_episodes
),

with_churn as (
    select o.*, (select min(c.churned_at) from churns as c where c.account_id = o.account_id and c.churned_at >= o.opened_at) as churned_at
    from opened as o
),

episode_alerts as (
    select e.account_id, e.episode_number, a.alert_id, a.kind, a.raised_as_of, a.cleared_at
    from with_churn as e
    join alert_spans as a
        on a.account_id = e.account_id
       and a.raised_as_of >= e.opened_at
       and a.raised_as_of < least(e.ended_at, coalesce(e.churned_at, e.ended_at))
),

alert_counts as (
    select account_id, episode_number, count(*)::integer as alerts, min(raised_as_of) as first_alert_at
    from episode_alerts
    group by all
),

interventions as (
    select intervention_id, account_id, started_at, kind, owner, alert_id from stg_interventions
),

actions as (
    select e.account_id, e.episode_number, i.intervention_id, i.started_at, i.kind, i.owner
    from with_churn as e
    join interventions as i
        on i.account_id = e.account_id
       and i.started_at >= e.opened_at - to_days($lead_in_days)
       and i.started_at <= least(e.ended_at, coalesce(e.churned_at, e.ended_at), cast($exported_at as timestamp))
    union
    select ea.account_id, ea.episode_number, i.intervention_id, i.started_at, i.kind, i.owner
    from episode_alerts as ea
    join with_churn as e using (account_id, episode_number)
    join interventions as i
        on i.alert_id = ea.alert_id
       and i.account_id = ea.account_id
       and i.started_at <= least(e.ended_at, coalesce(e.churned_at, e.ended_at), cast($exported_at as timestamp))
),

first_actions as (
    select
        account_id,
        episode_number,
        count(distinct intervention_id)::integer                       as actions,
        min(started_at)                                                 as first_action_at,
        arg_min(intervention_id, (started_at, intervention_id))         as first_intervention_id,
        arg_min(kind, started_at)                                       as first_action_kind,
        arg_min(owner, started_at)                                      as first_action_owner
    from actions
    group by all
),

accounts as (
    select account_id, account_name, segment, csm_owner, cast(contract_start_date as date) as contract_start_date from stg_accounts
),

late_signals as (
    -- a renewal_risk alert of the account open when the first action started
    select f.account_id, f.episode_number, count(*) > 0 as renewal_alert_open
    from first_actions as f
    join alert_spans as a
        on a.account_id = f.account_id
       and a.kind = 'renewal_risk'
       and a.raised_as_of <= f.first_action_at
       and a.cleared_at > f.first_action_at
    group by all
),

final as (
    select
        e.account_id,
        e.episode_number,
        ac.account_name,
        ac.segment,
        ac.csm_owner,
        e.first_week_end,
        e.last_week_end,
        e.weeks_at_risk,
        e.worst_tier,
        case when e.weeks_at_risk <= 2 then '1-2 weeks' when e.weeks_at_risk <= 5 then '3-5 weeks' else '6+ weeks' end as length_band,
        date_diff('day', cast(e.opened_at as date), next_renewal_on(ac.contract_start_date, cast(e.opened_at as date)))::integer
                                                                        as days_to_renewal_at_opening,
        coalesce(date_diff('day', cast(e.opened_at as date), next_renewal_on(ac.contract_start_date, cast(e.opened_at as date)))
            <= $renewal_window_days, false)                             as is_renewal_window_at_opening,
        ua.usage_vs_baseline_at_opening,
        case
            when ua.usage_vs_baseline_at_opening is null then 'no baseline'
            when ua.usage_vs_baseline_at_opening <= -0.5 then 'down 50%+'
            when ua.usage_vs_baseline_at_opening <= -0.2 then 'down 20-50%'
            else 'not down'
        end                                                             as usage_decline_band,
        e.opened_at,
        e.flagged_at,
        e.last_seen_at,
        coalesce(al.alerts, 0)                                          as alerts,
        al.first_alert_at,
        coalesce(f.actions, 0)                                          as actions,
        f.first_action_at,
        f.first_intervention_id,
        f.first_action_kind,
        f.first_action_owner,
        round(date_diff('hour', e.opened_at, f.first_action_at) / 24.0, 1)::double as days_to_first_action,
        next_renewal_on(ac.contract_start_date, cast(f.first_action_at as date)) as renewal_at_action,
        date_diff('day', cast(f.first_action_at as date), next_renewal_on(ac.contract_start_date, cast(f.first_action_at as date)))::integer
                                                                        as days_to_renewal_at_action,
        coalesce(ls.renewal_alert_open, false)                          as renewal_alert_open_at_action,
        case
            when f.first_action_at is null then 'none'
            when coalesce(ls.renewal_alert_open, false)
              or date_diff('day', cast(f.first_action_at as date), next_renewal_on(ac.contract_start_date, cast(f.first_action_at as date))) <= $renewal_window_days
                then 'reactive'
            else 'proactive'
        end                                                             as response,
        e.churned_at,
        case when e.churned_at is not null
            then round(date_diff('day', e.opened_at, e.churned_at) / 7.0, 1)::double end as weeks_seen_before_churn,
        case
            when e.churned_at is not null and e.churned_at <= e.last_seen_at + to_days($save_days) then 'churned'
            when e.is_open then 'open'
            when e.last_seen_at + to_days($save_days) > cast($exported_at as timestamp) then 'too_recent'
            else 'saved'
        end                                                             as status,
        e.last_seen_at + to_days($save_days)                            as judged_at
    from with_churn as e
    left join accounts as ac on ac.account_id = e.account_id
    left join alert_counts as al on al.account_id = e.account_id and al.episode_number = e.episode_number
    left join first_actions as f on f.account_id = e.account_id and f.episode_number = e.episode_number
    left join late_signals as ls on ls.account_id = e.account_id and ls.episode_number = e.episode_number
    left join usage_at_opening as ua on ua.account_id = e.account_id and ua.episode_number = e.episode_number
)

select * from final
