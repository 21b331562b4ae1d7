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
    union all
    select 'measure' as kind, m.category_id, m.measure_id as id, m.score, l.label
    from int_measure_scores as m
    join labelled as l using (account_id, week_start)
),

by_score as (
    select
        kind, category_id, id, score,
        count(*) filter (where label)                                   as positives,
        count(*) filter (where not label)                               as negatives
    from scores
    group by all
),

ranked as (
    select
        *,
        coalesce(sum(negatives) over (
            partition by kind, id order by score desc rows between unbounded preceding and 1 preceding
        ), 0)                                                           as negatives_safer
    from by_score
),

final as (
    select
        kind,
        category_id,
        id,
        (sum(positives) + sum(negatives))::integer                      as rows_with_data,
        (sum(positives) + sum(negatives)) / (select count(*) from labelled) as coverage,
        sum(positives * (negatives_safer + 0.5 * negatives))::double
            / nullif(sum(positives)::double * sum(negatives)::double, 0) as auc
    from ranked
    group by kind, category_id, id
)

select * from final
order by kind, category_id, id
