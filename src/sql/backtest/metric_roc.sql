-- grain: scope, ROC point
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_roc: the ROC curve of each scope of the `rows` relation, at most $max_points points per scope plus
-- the origin. A point is the threshold score t (account-weeks scoring t or less are flagged), the
-- share of churning weeks flagged (tpr) and of the others flagged (fpr). Long curves keep every
-- k-th threshold and the last, so the shape survives at any size.
with

source as (
    select scope, score, label from {{ rows }}
),

by_score as (
    select
        scope,
        score,
        count(*) filter (where label)                                   as positives,
        count(*) filter (where not label)                               as negatives
    from source
    group by scope, score
),

cumulative as (
    select
        scope,
        score,
        -- counts summed as doubles, exact below 2^53 (a window sum of integers is a 128-bit sum, 3x slower)
        sum(positives::double) over by_threshold                        as true_positives,
        sum(negatives::double) over by_threshold                        as false_positives,
        sum(positives::double) over (partition by scope)                as all_positives,
        sum(negatives::double) over (partition by scope)                as all_negatives,
        row_number() over by_threshold                                  as point,
        count(*) over (partition by scope)                              as points
    from by_score
    window by_threshold as (partition by scope order by score rows between unbounded preceding and current row)
),

kept as (
    select *
    from cumulative
    where point = points
       or point % greatest(ceil(points / ($max_points - 1)), 1)::bigint = 0
),

final as (
    select scope, null::double as threshold, 0.0 as fpr, 0.0 as tpr from (select distinct scope from source)
    union all
    select
        scope,
        score                                                           as threshold,
        coalesce(false_positives / nullif(all_negatives, 0), 0)        as fpr,
        coalesce(true_positives / nullif(all_positives, 0), 0)         as tpr
    from kept
)

select * from final
order by scope, threshold nulls first
