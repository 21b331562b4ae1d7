-- grain: category
-- params: $best_tier, the formula's best tier (loaders/categories.ts)
-- site_category_drivers: one row per category at the latest week, over current accounts outside
-- the best tier: mean points the category costs their score, accounts for which it is the weakest
-- category, and the ARR of those accounts. Answers "which categories drive risk".
with

latest as (
    select * from site_category_long
    where week_end = (select max(week_end) from site_category_long)
      and tier <> $best_tier
),

current_accounts as (
    select account_id, arr from accounts where not is_churned
),

ranked as (
    select
        l.*,
        a.arr,
        row_number() over (partition by l.account_id order by l.points_lost desc, l.category_id) as loss_rank
    from latest as l
    join current_accounts as a using (account_id)
),

final as (
    select
        category_id,
        count(*)::integer                                          as accounts_with_data,
        avg(points_lost)                                           as mean_points_lost,
        avg(category_score)                                        as mean_score,
        count(*) filter (where loss_rank = 1)::integer             as accounts_weakest,
        coalesce(sum(arr) filter (where loss_rank = 1), 0)::double as arr_weakest
    from ranked
    group by category_id
)

select * from final order by mean_points_lost desc
