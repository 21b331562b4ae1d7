-- grain: scope
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_average_precision: one row per scope of the `rows` relation (scope, score, label): the
-- area under the precision-recall curve as average precision. Account-weeks are flagged from the
-- lowest score up; at each distinct score t (ties enter together) precision and recall are those
-- of the weeks scoring t or less, and AP is the sum over thresholds of the recall gained times the
-- precision there. A score that ranks at random gets about the base rate; 1 is perfect. Null
-- without a churner. Counted in integers up to the last division, so the same on every run.
with

by_score as (
    select
        scope,
        score,
        count(*) filter (where label)                                   as positives,
        count(*)                                                        as rows
    from {{ rows }}
    where score is not null
    group by scope, score
),

cumulative as (
    select
        scope,
        positives,
        -- counts summed as doubles, exact below 2^53 (a window sum of integers is a 128-bit sum, 3x slower)
        sum(positives::double) over by_threshold                        as true_positives,
        sum(rows::double) over by_threshold                             as flagged,
        sum(positives::double) over (partition by scope)                as all_positives
    from by_score
    window by_threshold as (partition by scope order by score rows between unbounded preceding and current row)
),

final as (
    select
        scope,
        exact_sum(positives / nullif(all_positives, 0) * (true_positives / flagged)) as average_precision
    from cumulative
    group by scope
)

select * from final
order by scope
