-- outcomes_no_action_matched: the save rate of episodes nobody acted on, matched to the acted episodes' severity.
-- grain: one row
-- key: comparison
-- Like with like: most episodes nobody acts on are milder than the ones a team acts on (short
-- runs in the better of the flagged tiers), so the raw no-action save rate mostly measures false
-- alarms. Exact stratification on outcomes_severity_strata: each no-action episode is weighted by
-- its stratum's match_weight, so the weighted no-action episodes have the acted episodes'
-- distribution over the strata (standardisation to the acted, the ATT weighting). Acted episodes in
-- a stratum with no no-action episode cannot be matched; they are counted apart (acted_unmatched).
-- The figure estimates a share of the acted episodes themselves: how many of them would have been
-- saved had nobody acted. Its error has two parts, the unacted episodes' (Kish's effective sample
-- size of the weights, (sum w)^2 / sum w^2) and the acted episodes' own (each stratum's acted
-- episodes are a sample of its outcomes too: acted_matched); effective_episodes combines them,
-- 1 / (1 / Kish + 1 / acted_matched), and the interval is the Wilson 95% interval at that size. With
-- few acted episodes the second part rules, however many unacted ones there are. The strata's tier and length are over the whole
-- episode: an action that cut an episode short puts it in a milder stratum, which favours no action.
with

strata as (
    select * from outcomes_severity_strata
),

sums as (
    select
        coalesce(sum(acted), 0)::integer                                as acted,
        coalesce(sum(acted) filter (where not_acted > 0), 0)::integer   as acted_matched,
        coalesce(sum(not_acted) filter (where acted > 0), 0)::integer   as not_acted_matched,
        coalesce(sum(not_acted), 0)::integer                            as not_acted,
        count(*) filter (where acted > 0 and not_acted > 0)::integer    as strata_used,
        sum(acted * not_acted_saved / not_acted) filter (where acted > 0 and not_acted > 0) as weighted_saved,
        sum(acted * acted / not_acted) filter (where acted > 0 and not_acted > 0) as sum_squared_weights
    from strata
),

sized as (
    select
        *,
        case when acted_matched > 0 then weighted_saved / acted_matched end as save_rate,
        case when acted_matched > 0
            then 1.0 / (sum_squared_weights / (acted_matched * acted_matched) + 1.0 / acted_matched) end as effective_episodes
    from sums
),

final as (
    select
        'no_action_matched_to_acted'                                    as comparison,
        acted                                                           as acted_episodes,
        acted_matched                                                   as acted_matched,
        acted - acted_matched                                           as acted_unmatched,
        not_acted                                                       as not_acted_episodes,
        not_acted_matched                                               as not_acted_matched,
        strata_used,
        effective_episodes,
        save_rate,
        wilson_low(save_rate * effective_episodes, effective_episodes)  as save_rate_low,
        wilson_high(save_rate * effective_episodes, effective_episodes) as save_rate_high
    from sized
)

select * from final
