-- grain: formula category or measure
-- template: `counts` is metric_score_counts.sql over the `scoped` CTE, `auc` metric_auc.sql over the `counts` CTE (src/backtest/backtest.ts)
-- kind: query
-- signal_auc: one row per formula category and measure: the share of labelled, uncensored
-- account-weeks where it has data, and the AUC of its 0-100 score on those weeks (lower = riskier).
-- It says where the predictive signal sits: 0.5 is none, below 0.5 points the wrong way.
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

-- one scope per category and measure, a struct rather than a string built on each of the 27M
-- rows (at 10k accounts); counted once, by score, for both the coverage and the AUC: the coverage
-- (its rows) and the AUC each scanned the rows, 12.7 s at 10k accounts
scoped as (
    select {'kind': kind, 'category_id': category_id, 'id': id} as scope, score, label from scores
),

counts as (
    {{ counts }}
),

-- every labelled row is a positive or a negative (a label is null only on censored weeks)
coverage as (
    select scope, sum(positives + negatives)::bigint as rows_with_data
    from counts
    group by scope
),

auc as (
    {{ auc }}
),

final as (
    select
        c.scope.kind                                                    as kind,
        c.scope.category_id                                             as category_id,
        c.scope.id                                                      as id,
        c.rows_with_data::integer                                       as rows_with_data,
        c.rows_with_data / (select count(*) from labelled)              as coverage,
        a.auc
    from coverage as c
    left join auc as a using (scope)
)

select * from final
order by kind, category_id, id
