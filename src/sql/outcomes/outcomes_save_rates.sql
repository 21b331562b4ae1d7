-- outcomes_save_rates: the save rate of at-risk episodes by what the team did.
-- grain: one row per response (proactive, reactive, none)
-- key: response
-- Decided episodes are those saved or churned (outcomes_episodes.status); open and too recent ones
-- are counted apart. save_rate = saved / decided, with its Wilson 95% interval.
with

responses as (
    select * from (values ('proactive', 1), ('reactive', 2), ('none', 3)) as t(response, position)
),

episodes as (
    select response, status, days_to_first_action from outcomes_episodes
),

counts as (
    select
        r.response,
        r.position,
        count(e.status) filter (where e.status in ('saved', 'churned'))::integer as episodes,
        count(e.status) filter (where e.status = 'saved')::integer      as saved,
        count(e.status) filter (where e.status = 'churned')::integer    as churned,
        count(e.status) filter (where e.status in ('open', 'too_recent'))::integer as undecided,
        median(e.days_to_first_action)                                  as median_days_to_first_action
    from responses as r
    left join episodes as e using (response)
    group by all
),

final as (
    select
        response,
        episodes,
        saved,
        churned,
        undecided,
        case when episodes > 0 then saved / episodes end                as save_rate,
        wilson_low(saved, episodes)                                     as save_rate_low,
        wilson_high(saved, episodes)                                    as save_rate_high,
        median_days_to_first_action
    from counts
    order by position
)

select * from final
