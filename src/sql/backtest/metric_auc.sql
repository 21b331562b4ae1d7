-- grain: scope
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_auc: one row per scope of the `rows` relation (scope, score, label): the rank-based AUC (Mann-Whitney):
-- the probability that a churning account-week scores lower than a non-churning one, ties counting
-- one half; lower score = higher risk. Null without both classes. Counted in integers (each
-- positive scores 2 per safer negative and 1 per tie) so it is exact and the same on every run.
with

by_score as (
    select
        scope,
        score,
        count(*) filter (where label)                                   as positives,
        count(*) filter (where not label)                               as negatives
    from {{ rows }}
    where score is not null
    group by scope, score
),

ranked as (
    select
        *,
        -- negatives scoring strictly higher (safer) than this score; summed as doubles, exact below
        -- 2^53 (a window sum of integers is a 128-bit sum, 3x slower), then an integer again
        coalesce(sum(negatives::double) over (
            partition by scope order by score desc rows between unbounded preceding and 1 preceding
        ), 0)::bigint                                                   as negatives_safer
    from by_score
),

final as (
    select
        scope,
        sum(positives * (2 * negatives_safer + negatives))::double
            / nullif(2 * sum(positives)::double * sum(negatives)::double, 0) as auc
    from ranked
    group by scope
)

select * from final
order by scope
