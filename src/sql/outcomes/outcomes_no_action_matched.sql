-- outcomes_no_action_matched: the save rate of episodes nobody acted on, matched to the acted episodes' severity.
-- grain: one row
-- key: comparison
-- Like with like: most episodes nobody acts on are milder than the ones a team acts on (short
-- runs in the better of the flagged tiers), so the raw no-action save rate mostly measures false
-- alarms. Exact stratification on outcomes_severity_strata: each no-action episode is weighted by
-- its stratum's match_weight, so the weighted no-action episodes have the acted episodes'
-- distribution over the strata (standardisation to the acted, the ATT weighting). Acted episodes in
-- a stratum with no no-action episode cannot be matched; they are counted apart (acted_unmatched).
-- effective_episodes is Kish's effective sample size of the weights, (sum w)^2 / sum w^2; the
-- interval is the Wilson 95% interval at that size. The strata's tier and length are over the whole
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

final as (
    select
        'no_action_matched_to_acted'                                    as comparison,
        acted                                                           as acted_episodes,
        acted_matched                                                   as acted_matched,
        acted - acted_matched                                           as acted_unmatched,
        not_acted                                                       as not_acted_episodes,
        not_acted_matched                                               as not_acted_matched,
        strata_used,
        case when acted_matched > 0 then acted_matched * acted_matched / sum_squared_weights end as effective_episodes,
        case when acted_matched > 0 then weighted_saved / acted_matched end as save_rate,
        case when acted_matched > 0 then wilson_low(weighted_saved / sum_squared_weights * acted_matched, acted_matched * acted_matched / sum_squared_weights) end as save_rate_low,
        case when acted_matched > 0 then wilson_high(weighted_saved / sum_squared_weights * acted_matched, acted_matched * acted_matched / sum_squared_weights) end as save_rate_high
    from sums
)

select * from final
