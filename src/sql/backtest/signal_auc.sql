-- grain: formula category or measure
-- template: `auc` is metric_auc.sql rendered over the `scoped` CTE (src/backtest/backtest.ts)
-- kind: query
-- signal_auc: one row per formula category and measure: the share of labelled, uncensored
-- account-weeks where it has data, and the AUC of its 0-100 score on those weeks (lower = riskier).
-- It says where the predictive signal sits: 0.5 is none, below 0.5 points the wrong way.
-- The auc fragment is metric_auc.sql rendered over the `scoped` CTE (one scope per kind and id).
with

labelled as (
    select account_id, week_start, label from backtest_weeks where not censored
),

scores as (
    select 'category' as kind, c.category_id, c.category_id as id, c.category_score as score, l.label
    from int_category_scores as c
    join labelled as l using (account_id, week_start)
    where c.category_score is not null
    union all
    select 'measure' as kind, m.category_id, m.measure_id as id, m.score, l.label
    from int_measure_scores as m
    join labelled as l using (account_id, week_start)
    where m.score is not null
),

-- read twice (coverage, auc): computed twice rather than held, 27M rows at 10k accounts, and scanned
scoped as not materialized (
    select kind || ':' || id as scope, * from scores
),

coverage as (
    select
        scope,
        kind,
        category_id,
        id,
        count(*)                                                        as rows_with_data
    from scoped
    group by all
),

auc as (
    {{ auc }}
),

final as (
    select
        c.kind,
        c.category_id,
        c.id,
        c.rows_with_data::integer                                       as rows_with_data,
        c.rows_with_data / (select count(*) from labelled)              as coverage,
        a.auc
    from coverage as c
    left join auc as a using (scope)
)

select * from final
order by kind, category_id, id
