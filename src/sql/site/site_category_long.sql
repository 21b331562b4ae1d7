-- grain: account, week, category with data
-- site_category_long: one row per account, week and category with data: the category score and the
-- points it costs the health score (its share of the weight that had data, times 100 - score).
-- Needs site_category_weights (category_id, weight) from the formula.
with

health as (
    select * from account_health_weekly
),

long as (
    unpivot (select account_id, week_end, tier, columns('^category_') from health) on columns('^category_')
    into name category_column value category_score
),

weights as (
    select * from site_category_weights
),

final as (
    select
        l.account_id,
        l.week_end,
        l.tier,
        w.category_id,
        l.category_score,
        w.weight / sum(w.weight) over (partition by l.account_id, l.week_end) * (100 - l.category_score) as points_lost
    from long as l
    join weights as w on l.category_column = 'category_' || w.category_id
)

select * from final
