-- backtest_weeks: one row per scored account-week of the backtest period (week_end between $from
-- and $to, null = open), labelled with the churn that followed it. Key (account_id, week_start).
--   label     the account churned within $horizon_days after the week's as_of (the instant the
--             week's score became known; an account-week exists only while not churned before it)
--   censored  not churned so far, but the horizon runs past the export: we cannot know yet, so the
--             week is neither a positive nor a negative
--   cap_score the lowest max_score of the formula caps in force that week (null = none), as the
--             engine found it, so that a re-weighted score can be capped exactly as the engine caps
-- Weeks without any category data (no score from data) are left out: there is nothing to rank.
with

health as (
    select * from account_health_weekly
),

scores as (
    select account_id, week_start, tier_rank as tier_position, cap_score from int_health_scores
),

weeks as (
    select account_id, week_start, week_number, segment, arr from int_account_weeks
),

-- churn episodes: a week is labelled with the account's next churn after its as_of, so a customer
-- that left, came back and left again is labelled for each episode
churns as (
    select account_id, churned_at from int_churn_episodes
),

exported as (
    select exported_at from run_context
),

labelled as (
    select
        h.account_id,
        h.week_start,
        h.week_end,
        h.as_of,
        w.week_number,
        coalesce(w.segment, '(none)')                                   as segment,
        w.arr,
        h.score,
        h.uncapped_score,
        s.cap_score,
        h.coverage,
        h.tier,
        s.tier_position,
        a.churned_at,
        coalesce(a.churned_at < h.as_of + to_days($horizon_days), false) as label,
        h.as_of + to_days($horizon_days) > e.exported_at               as horizon_past_export,
        columns('^category_')
    from health as h
    join scores as s using (account_id, week_start)
    join weeks as w using (account_id, week_start)
    asof left join churns as a on a.account_id = h.account_id and h.as_of <= a.churned_at
    cross join exported as e
    where h.uncapped_score is not null
      and ($from is null or h.week_end >= $from::date)
      and ($to is null or h.week_end <= $to::date)
),

final as (
    select
        account_id, week_start, week_end, as_of, week_number, segment, arr,
        score, uncapped_score, cap_score, coverage, tier, tier_position,
        churned_at, label,
        horizon_past_export and not label                               as censored,
        columns('^category_')
    from labelled
)

select * from final
order by account_id, week_start
