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

-- The median is read off the week's distinct values and their running count, not taken by
-- quantile_cont: that aggregate holds every value of a group in memory that DuckDB's memory limit
-- does not bound (270M values, over 2 GB, at 100k accounts), where a grouping and a window spill.
value_counts as (
    select measure_id, week_start, raw_value, count(*) as accounts
    from int_measure_values
    group by all
),

positioned as (
    select
        *,
        -- counts summed as doubles (exact below 2^53): a window sum of integers is a 128-bit sum
        sum(accounts::double) over (ranked rows between unbounded preceding and current row) as through,
        -- the partition's sum without an order: as a frame of the ordered window it was summed row by row
        sum(accounts::double) over (partition by measure_id, week_start) as total
    from value_counts
    window ranked as (partition by measure_id, week_start order by raw_value)
),

weekly as (
    select
        measure_id,
        week_start,
        any_value(total)::integer                                       as accounts,
        min(raw_value)                                                  as min_value,
        max(raw_value)                                                  as max_value,
        -- the sorted values at 0-based positions floor((n - 1) / 2) and ceil((n - 1) / 2): a value
        -- sits at position k when more than k values are at most it
        min(raw_value) filter (where through > floor((total - 1) / 2))  as lower_middle,
        min(raw_value) filter (where through > ceil((total - 1) / 2))   as upper_middle
    from positioned
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
