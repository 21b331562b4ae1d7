-- outcomes_severity_strata: decided at-risk episodes by what the team could see of them, acted on or not.
-- grain: one row per severity stratum (worst tier reached, length band, renewal window at opening, usage decline at opening)
-- key: worst_tier, length_band, is_renewal_window, usage_decline_band
-- The strata of the like-with-like comparison (outcomes_no_action_matched), from outcomes_episodes:
-- the worst of the flagged tiers the episode reached; its length in flagged weeks, 1-2, 3-5 or 6
-- and more; whether it opened inside the renewal window (the next contract anniversary at most
-- alerts.renewal_window_days days away); and how far the account's usage had fallen against its own past
-- when it opened (usage_decline_band: down 50%+, down 20-50%, not down, no baseline). A team acts
-- on a visible decline, so without that split the acted and unacted episodes of a stratum differ on it.
-- Thin strata: the decline split is kept only where it matches every acted episode. When a
-- tier-length-window stratum has a decline band with acted episodes and no unacted one, its bands
-- are merged into one row, usage_decline_band 'any'. Only decided episodes (saved or churned)
-- count. acted = proactive or reactive.
-- match_weight is the weight each no-action episode of the stratum gets so that the no-action
-- episodes take the acted episodes' distribution over the strata (acted / not acted on; null when
-- the stratum has no episode of one of the two).
with

episodes as (
    select
        worst_tier,
        length_band,
        is_renewal_window_at_opening                                    as is_renewal_window,
        usage_decline_band,
        response,
        status
    from outcomes_episodes
    where status in ('saved', 'churned')
),

fine as (
    select
        worst_tier,
        length_band,
        is_renewal_window,
        usage_decline_band,
        count(*) filter (where response <> 'none')::integer             as acted,
        count(*) filter (where response <> 'none' and status = 'saved')::integer as acted_saved,
        count(*) filter (where response = 'none')::integer              as not_acted,
        count(*) filter (where response = 'none' and status = 'saved')::integer as not_acted_saved
    from episodes
    group by all
),

split as (
    -- a tier-length-window stratum keeps its decline bands when each band with acted episodes has unacted ones
    select worst_tier, length_band, is_renewal_window, bool_and(acted = 0 or not_acted > 0) as is_split
    from fine
    group by all
),

counts as (
    -- the fine counts, summed over the decline bands of a stratum that is not split
    select
        f.worst_tier,
        f.length_band,
        f.is_renewal_window,
        case when s.is_split then f.usage_decline_band else 'any' end   as usage_decline_band,
        sum(f.acted)::integer                                           as acted,
        sum(f.acted_saved)::integer                                     as acted_saved,
        sum(f.not_acted)::integer                                       as not_acted,
        sum(f.not_acted_saved)::integer                                 as not_acted_saved
    from fine as f
    join split as s using (worst_tier, length_band, is_renewal_window)
    group by all
),

final as (
    select
        *,
        case when not_acted > 0 then not_acted_saved / not_acted end    as not_acted_save_rate,
        case when acted > 0 and not_acted > 0 then acted / not_acted end as match_weight
    from counts
    order by worst_tier, length_band, is_renewal_window, usage_decline_band
)

select * from final
