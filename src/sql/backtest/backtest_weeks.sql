-- grain: scored account-week of the backtest period
-- key: account_id, week_start
-- params: $horizon_days, $from, $to from the backtest's options (src/backtest/options.ts)
-- backtest_weeks: one row per scored account-week of the backtest period (week_end between $from
-- and $to, null = open), labelled with the churn that followed it. Key (account_id, week_start).
--   censored  the week's horizon (as_of + $horizon_days) runs past the export: what happened within
--             it is not fully known, so the week is neither a positive nor a negative. The same
--             rule for every account, churned or not: otherwise the last horizon of a book would
--             hold the churners' weeks and none of the survivors' beside them.
--   label     the account churned within $horizon_days after the week's as_of (the instant the
--             week's score became known; an account-week exists only while not churned before it);
--             null when censored
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

scored as (
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
        columns('^category_')
    from health as h
    join scores as s using (account_id, week_start)
    join weeks as w using (account_id, week_start)
    where h.uncapped_score is not null
      and ($from is null or h.week_end >= $from::date)
      and ($to is null or h.week_end <= $to::date)
),

-- the label rule, in one place: the horizon must be observable, for churners and survivors alike
labelled as (
    select
        s.*,
        c.churned_at,
        s.as_of + to_days($horizon_days) > e.exported_at                as censored,
        case
            when s.as_of + to_days($horizon_days) > e.exported_at then null
            else coalesce(c.churned_at < s.as_of + to_days($horizon_days), false)
        end                                                             as label
    from scored as s
    -- the account's next churn after the week's as_of (none = no churn to come)
    asof left join churns as c on c.account_id = s.account_id and s.as_of <= c.churned_at
    cross join exported as e
),

final as (
    select
        account_id, week_start, week_end, as_of, week_number, segment, arr,
        score, uncapped_score, cap_score, coverage, tier, tier_position,
        churned_at, label, censored,
        columns('^category_')
    from labelled
)

select * from final
order by account_id, week_start
