-- grain: planted churn scenario, plus one row for all (scenario null)
-- planted_signal: how much of the backtest's churn is visible at all. The backtest labels an
-- account-week positive when the account churns within the horizon (90 days by default); on the
-- demo, some churners never show a signal (silent churn: budget, price) and others only start to
-- decline a few weeks before they leave, so part of the positive weeks precede any planted signal.
-- Per planted churn scenario: its positive account-weeks, how many precede the signal (or have
-- none), and the AUC of the score among them and among those after the signal (for each positive,
-- the share of the same week's negatives scored safer, ties one half; averaged). `ceiling` is the
-- AUC a score would reach that ranks every positive after its signal below every negative and the
-- others at chance: what any formula can do on these labels. Reads the published backtest weeks
-- and the demo's answers (_answers/scenarios.csv), which the engine itself never reads.
with

answers as (
    select account_id, scenario, signal_started_at
    from read_csv($answers_file, header = true)
),

weeks as (
    select account_id, week_start, week_end, score, label
    from read_parquet($backtest_file)
    where label is not null and score is not null
),

negatives as (
    select week_start, score, count(*) as n
    from weeks
    where not label
    group by all
),

per_week as (
    select week_start, sum(n) as negatives from negatives group by all
),

positives as (
    select
        p.account_id,
        a.scenario,
        a.signal_started_at is null or a.signal_started_at > p.week_end    as before_signal,
        -- the share of the same week's negatives this positive scores below (ties count half)
        (coalesce(sum(n.n) filter (where n.score > p.score), 0) + 0.5 * coalesce(sum(n.n) filter (where n.score = p.score), 0))
            / any_value(t.negatives)                                     as auc
    from weeks as p
    join answers as a using (account_id)
    join per_week as t using (week_start)
    left join negatives as n using (week_start)
    where p.label
    group by p.account_id, p.week_start, a.scenario, a.signal_started_at, p.week_end
),

final as (
    select
        scenario,
        count(*)::integer                                               as positive_weeks,
        count(*) filter (where before_signal)::integer                  as before_signal,
        round(count(*) filter (where before_signal) / count(*), 3)      as before_signal_share,
        round(avg(auc), 3)                                              as auc,
        round(avg(auc) filter (where before_signal), 3)                 as auc_before_signal,
        round(avg(auc) filter (where not before_signal), 3)             as auc_after_signal,
        round(1 - 0.5 * count(*) filter (where before_signal) / count(*), 3) as ceiling
    from positives
    group by rollup (scenario)
)

select * from final
order by scenario nulls first
