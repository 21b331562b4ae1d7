-- grain: scope
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_auc_weekly: one row per scope of the `rows` relation (scope, week_start, score, label): the
-- time-stratified AUC. The rank AUC of metric_auc.sql (the `auc` fragment, rendered over the
-- `stratified` CTE: one stratum per scope and week_start) is taken within each week, among that
-- week's labelled account-weeks, so that only accounts scored the same week are compared; the
-- scope's figure is the plain mean over the weeks that hold both classes. A week with only
-- churners or only survivors has no pair to compare: it is skipped, and counted.
with

source as (
    select scope, week_start, score, label from {{ rows }} where score is not null
),

stratified as (
    select {'scope': scope, 'week_start': week_start} as scope, score, label from source
),

weekly as (
    {{ auc }}
),

weeks as (
    select scope, week_start, count(*) as rows from source group by scope, week_start
),

final as (
    select
        w.scope,
        -- exact: the same bits every run whatever the order of the weeks
        exact_sum(a.auc) / nullif(count(a.auc), 0)                      as auc,
        count(a.auc)::integer                                           as weeks,
        count(*) filter (where a.auc is null)::integer                  as single_class_weeks,
        coalesce(sum(w.rows) filter (where a.auc is null), 0)::integer  as single_class_rows
    from weeks as w
    left join weekly as a on a.scope.scope = w.scope and a.scope.week_start = w.week_start
    group by w.scope
)

select * from final
order by scope
