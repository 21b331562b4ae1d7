-- outcomes_alerts: for every alert, whether someone acted on it and how fast.
-- grain: one row per alert
-- key: alert_id
-- Acted on: an intervention answering it (interventions.alert_id), else the first intervention on
-- the account that started from the alert's raise until it cleared (or the export, while open).
-- days_to_first_action counts from the raise (raised_as_of) to that start. owner is the account's
-- CSM named on the alert (csm_owner), 'unassigned' when none; acted_by is who acted.
with

alert_spans as (
    select
        alert_id,
        account_id,
        account_name,
        kind,
        severity,
        raised_week_end,
        raised_as_of,
        is_open,
        coalesce(csm_owner, 'unassigned')                               as owner,
        coalesce(cast(cleared_week_end as timestamp) + interval 1 day, cast($exported_at as timestamp)) as cleared_at
    from alerts
),

interventions as (
    select intervention_id, account_id, started_at, kind, owner, alert_id from stg_interventions
),

answered as (
    select a.alert_id, i.intervention_id, i.started_at, i.kind, i.owner, 0 as priority
    from alert_spans as a
    join interventions as i on i.alert_id = a.alert_id and i.account_id = a.account_id
    union all
    select a.alert_id, i.intervention_id, i.started_at, i.kind, i.owner, 1 as priority
    from alert_spans as a
    join interventions as i
        on i.account_id = a.account_id
       and i.started_at >= a.raised_as_of
       and i.started_at <= a.cleared_at
),

first_actions as (
    select
        alert_id,
        arg_min(intervention_id, (priority, started_at))                as intervention_id,
        arg_min(started_at, (priority, started_at))                     as first_action_at,
        arg_min(kind, (priority, started_at))                           as first_action_kind,
        arg_min(owner, (priority, started_at))                          as acted_by
    from answered
    group by alert_id
),

final as (
    select
        a.alert_id,
        a.account_id,
        a.account_name,
        a.kind,
        a.severity,
        a.raised_week_end,
        a.raised_as_of,
        a.is_open,
        a.owner,
        f.intervention_id is not null                                   as is_acted_on,
        f.intervention_id,
        f.first_action_at,
        f.first_action_kind,
        f.acted_by,
        -- an answer logged before the raise (alert_id given) counts as no wait
        case when f.first_action_at is not null
            then greatest(0, round(date_diff('hour', a.raised_as_of, f.first_action_at) / 24.0, 1))::double end as days_to_first_action
    from alert_spans as a
    left join first_actions as f using (alert_id)
)

select * from final
