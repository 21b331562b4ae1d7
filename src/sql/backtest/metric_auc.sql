-- grain: scope
-- template: `counts` is metric_score_counts.sql over the scoped relation of labelled account-weeks (src/backtest/metrics.ts; signal_auc.sql)
-- kind: query
-- metric_auc: one row per scope of the `counts` relation (scope, score, positives, negatives): the rank-based AUC (Mann-Whitney):
-- the probability that a churning account-week scores lower than a non-churning one, ties counting
-- one half; lower score = higher risk. Null without both classes. Counted in integers (each
-- positive scores 2 per safer negative and 1 per tie) so it is exact and the same on every run.
with

by_score as (
    select scope, score, positives, negatives from {{ counts }}
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
