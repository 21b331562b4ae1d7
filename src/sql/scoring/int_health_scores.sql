-- grain: account, scored week
-- key: account_id, week_start
-- int_health_scores: one row per account-week: health score after caps, tier, coverage, and the
-- score and tier four weeks earlier.
with

-- the weighted mean of the categories with data (weighted_mean in functions.sql), taken as the
-- sum of the measures' contributions, whose effective weights int_measure_scores renormalised
-- the same way: so the contributions of an account-week add up to its score to the last bit
totals as (
    select account_id, week_start, round(exact_sum(contribution), 9) as uncapped_score, any_value(coverage) as coverage
    from int_measure_scores
    group by account_id, week_start
),

caps as (
    select
        v.account_id,
        v.week_start,
        min(c.max_score)                                                as cap,
        arg_min(c.reason, c.max_score)                                  as cap_reason
    from int_measure_values as v
    join formula_caps as c on c.measure_id = v.measure_id and v.raw_value >= c.at_least
    group by v.account_id, v.week_start
),

scored as (
    select
        w.account_id,
        w.week_start,
        w.week_end,
        w.as_of,
        w.week_index,
        t.uncapped_score,
        capped_score(t.uncapped_score, c.cap)                           as score,
        case when c.cap < t.uncapped_score then c.cap_reason end        as cap_reason,
        -- the lowest cap in force (null = none), binding or not: a re-weighted score is capped by it
        c.cap                                                           as cap_score,
        coalesce(t.coverage, 0)                                         as coverage
    from int_account_weeks as w
    left join totals as t using (account_id, week_start)
    left join caps as c using (account_id, week_start)
),

tiered as (
    select s.*, t.tier_id as tier, t.position as tier_rank
    from scored as s
    left join formula_tiers as t on s.score >= t.min_score and s.score < t.max_score
),

final as (
    select
        *,
        lag(score, 4) over by_week                                      as score_4w_ago,
        score - lag(score, 4) over by_week                              as score_change_4w,
        lag(tier, 1) over by_week                                       as tier_last_week
    from tiered
    window by_week as (partition by account_id order by week_start)
)

select * from final
