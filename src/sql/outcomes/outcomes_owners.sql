-- outcomes_owners: how fast each CSM's alerts were acted on.
-- grain: one row per owner (the alert's csm_owner, 'unassigned' when none)
-- key: owner
-- Days are from the alert's raise to its first action (outcomes_alerts); the quantiles are over the
-- alerts acted on.
with

alerts as (
    select owner, is_acted_on, days_to_first_action from outcomes_alerts
),

final as (
    select
        owner,
        count(*)::integer                                               as alerts,
        count(*) filter (where is_acted_on)::integer                    as acted_on,
        count(*) filter (where is_acted_on) / count(*)                  as share_acted_on,
        median(days_to_first_action)                                    as median_days_to_first_action,
        quantile_cont(days_to_first_action, 0.75)                       as p75_days_to_first_action
    from alerts
    group by owner
    order by owner
)

select * from final
