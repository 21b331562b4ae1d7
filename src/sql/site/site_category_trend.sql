-- grain: week, category
-- site_category_trend: one row per week and category: mean, 25th and 75th percentile of the
-- category score over the accounts scored that week with data in the category.
with

long as (
    select week_end, category_id, category_score from site_category_long
),

-- The quartiles are read off each week's distinct scores and their running count, not taken by
-- quantile_cont: that aggregate holds every value of a group outside DuckDB's memory limit (the
-- categories loader reached 4.2 GB RSS at a 2.5 GB limit over 100k accounts' history), where a
-- grouping and a window spill. The same rule as int_measure_book_weekly's median.
value_counts as (
    select week_end, category_id, category_score, count(*) as accounts
    from long
    where category_score is not null
    group by all
),

positioned as (
    select
        *,
        -- counts summed as doubles (exact below 2^53): a window sum of integers is a 128-bit sum
        sum(accounts::double) over (ranked rows between unbounded preceding and current row) as through,
        sum(accounts::double) over (partition by week_end, category_id)                        as total
    from value_counts
    window ranked as (partition by week_end, category_id order by category_score)
),

-- quantile_cont's positions: h = (n - 1) * q; a score sits at 0-based position k when more than k
-- scores are at most it
quartiles as (
    select
        week_end,
        category_id,
        any_value(total)                                                              as n,
        min(category_score) filter (where through > floor((total - 1) * 0.25))         as p25_lo,
        min(category_score) filter (where through > ceil((total - 1) * 0.25))          as p25_hi,
        min(category_score) filter (where through > floor((total - 1) * 0.75))         as p75_lo,
        min(category_score) filter (where through > ceil((total - 1) * 0.75))          as p75_hi
    from positioned
    group by week_end, category_id
),

means as (
    select week_end, category_id, count(*)::integer as accounts, avg(category_score) as mean_score
    from long
    group by week_end, category_id
),

final as (
    select
        m.week_end,
        m.category_id,
        m.accounts,
        m.mean_score,
        -- quantile_cont's interpolation between the two positions: lo * (1 - d) + hi * d
        case when floor((q.n - 1) * 0.25) = ceil((q.n - 1) * 0.25) then q.p25_lo
             else q.p25_lo * (1 - ((q.n - 1) * 0.25 - floor((q.n - 1) * 0.25)))
                + q.p25_hi * ((q.n - 1) * 0.25 - floor((q.n - 1) * 0.25)) end            as p25,
        case when floor((q.n - 1) * 0.75) = ceil((q.n - 1) * 0.75) then q.p75_lo
             else q.p75_lo * (1 - ((q.n - 1) * 0.75 - floor((q.n - 1) * 0.75)))
                + q.p75_hi * ((q.n - 1) * 0.75 - floor((q.n - 1) * 0.75)) end            as p75
    from means as m
    left join quartiles as q using (week_end, category_id)
)

select * from final order by week_end, category_id
