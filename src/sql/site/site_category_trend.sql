-- grain: week, category
-- site_category_trend: one row per week and category: mean, 25th and 75th percentile of the
-- category score over the accounts scored that week with data in the category.
with

long as (
    select * from site_category_long
),

final as (
    select
        week_end,
        category_id,
        count(*)::integer                                  as accounts,
        avg(category_score)                                as mean_score,
        quantile_cont(category_score, 0.25)                as p25,
        quantile_cont(category_score, 0.75)                as p75
    from long
    group by week_end, category_id
)

select * from final order by week_end, category_id
