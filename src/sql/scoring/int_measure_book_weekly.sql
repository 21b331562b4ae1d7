-- grain: measure, week with a value in the book
-- key: measure_id, week_start
-- scope: book
-- int_measure_book_weekly: one row per measure and week with a value anywhere in the book: how many
-- accounts had one, the book's median (what a net-of-book measure subtracts), and whether the
-- measure is informative so far: it has taken two different values or more across the book's
-- account-weeks up to this week. A measure with one value everywhere (a role no account records,
-- a column the export leaves constant) carries no information: it has no data, and its weight is
-- shared by the rest, rather than scoring every account the same. Only weeks up to this one count,
-- so a later export never changes an earlier week.
with

weekly as (
    select
        measure_id,
        week_start,
        count(*)::integer                                               as accounts,
        min(raw_value)                                                  as min_value,
        max(raw_value)                                                  as max_value,
        round(quantile_cont(raw_value, 0.5), 9)                         as median_value
    from int_measure_values
    group by measure_id, week_start
),

final as (
    select
        *,
        max(max_value) over to_date > min(min_value) over to_date      as is_informative
    from weekly
    window to_date as (partition by measure_id order by week_start rows between unbounded preceding and current row)
)

select * from final
