-- outcomes_severity_strata: decided at-risk episodes by what the team could see of them, acted on or not.
-- grain: one row per severity stratum (worst tier reached, length band, renewal window at opening)
-- key: worst_tier, length_band, is_renewal_window
-- The strata of the like-with-like comparison (outcomes_no_action_matched): the worst of
-- the flagged tiers the episode reached; its length in flagged weeks, 1-2, 3-5 or 6 and more; and whether
-- it opened inside the renewal window (the next contract anniversary at most $renewal_window_days
-- days away). Only decided episodes (saved or churned) count. acted = proactive or reactive.
-- match_weight is the weight each no-action episode of the stratum gets so that the no-action
-- episodes take the acted episodes' distribution over the strata (acted / not acted on; null when
-- the stratum has no episode of one of the two).
with

episodes as (
    select
        worst_tier,
        case when weeks_at_risk <= 2 then '1-2 weeks' when weeks_at_risk <= 5 then '3-5 weeks' else '6+ weeks' end as length_band,
        coalesce(days_to_renewal_at_opening <= $renewal_window_days, false) as is_renewal_window,
        response,
        status
    from outcomes_episodes
    where status in ('saved', 'churned')
),

counts as (
    select
        worst_tier,
        length_band,
        is_renewal_window,
        count(*) filter (where response <> 'none')::integer             as acted,
        count(*) filter (where response <> 'none' and status = 'saved')::integer as acted_saved,
        count(*) filter (where response = 'none')::integer              as not_acted,
        count(*) filter (where response = 'none' and status = 'saved')::integer as not_acted_saved
    from episodes
    group by all
),

final as (
    select
        *,
        case when not_acted > 0 then not_acted_saved / not_acted end    as not_acted_save_rate,
        case when acted > 0 and not_acted > 0 then acted / not_acted end as match_weight
    from counts
    order by worst_tier, length_band, is_renewal_window
)

select * from final
