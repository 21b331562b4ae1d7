-- grain: scope, account-week
-- template: `weeks` is a relation shaped like backtest_weeks (src/calibrate/calibrate.ts, test/backtest/rescore.test.ts)
-- kind: query
-- rescore: one row per scope of rescore_weights (scope, category_id, weight) and account-week of
-- the `weeks` relation (shaped like backtest_weeks): the health score re-combined from the week's category
-- scores with that scope's weights, by the engine's rule (weighted_mean and capped_score in functions.sql):
-- renormalised over the categories with data and a positive weight, then capped by cap_score,
-- then tiered by the formula's tiers. Weeks where no weighted category has data get no row.
with

weeks as (
    select * from {{ weeks }}
),

weights as (
    select scope, category_id, weight from rescore_weights where weight > 0
),

long as (
    unpivot (select account_id, week_start, columns('^category_') from weeks)
    on columns('^category_')
    into name column_name value category_score
),

combined as (
    select
        k.scope,
        l.account_id,
        l.week_start,
        weighted_mean(k.weight, l.category_score)                       as uncapped_score
    from long as l
    join weights as k on k.category_id = substr(l.column_name, length('category_') + 1)
    where l.category_score is not null
    group by k.scope, l.account_id, l.week_start
),

scored as (
    select
        c.scope,
        w.account_id,
        w.week_start,
        w.week_end,
        w.as_of,
        w.segment,
        w.arr,
        w.churned_at,
        w.label,
        c.uncapped_score,
        capped_score(c.uncapped_score, w.cap_score)                     as score
    from combined as c
    join weeks as w using (account_id, week_start)
),

final as (
    select s.*, t.tier_id as tier, t.position as tier_position
    from scored as s
    left join formula_tiers as t on s.score >= t.min_score and s.score < t.max_score
)

select * from final
order by scope, account_id, week_start
