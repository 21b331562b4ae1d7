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

-- The median is read off the book's counts of each value in int_measure_reference (the values in
-- order, accounts below and with each), not taken by quantile_cont: that aggregate holds every
-- value of a group in memory that DuckDB's memory limit does not bound (270M values, over 2 GB, at
-- 100k accounts), and grouping the values again cost as much as the ranks' own grouping.
weekly as (
    select
        measure_id,
        week_start,
        any_value(book_total)                                           as accounts,
        min(raw_value)                                                  as min_value,
        max(raw_value)                                                  as max_value,
        -- the sorted values at 0-based positions floor((n - 1) / 2) and ceil((n - 1) / 2): a value
        -- sits at position k when more than k accounts have it or a lower one (a row per segment
        -- repeats the book's counts, which min does not mind)
        min(raw_value) filter (where book_below + book_accounts > (book_total - 1) // 2) as lower_middle,
        min(raw_value) filter (where book_below + book_accounts > book_total // 2)       as upper_middle
    from int_measure_reference
    group by measure_id, week_start
),

final as (
    select
        measure_id,
        week_start,
        accounts,
        min_value,
        max_value,
        -- quantile_cont's interpolation between two middles, to the bit: lo * (1 - d) + hi * d
        round(case when accounts % 2 = 1 then lower_middle
                   else lower_middle * 0.5 + upper_middle * 0.5 end, 9)  as median_value,
        max(max_value) over to_date > min(min_value) over to_date      as is_informative
    from weekly
    window to_date as (partition by measure_id order by week_start rows between unbounded preceding and current row)
)

select * from final
