-- grain: scored week
-- key: week_start
-- scope: portfolio
-- int_core_features_weekly: one row per scored week; the core features known by then, as a mask and a count.
with

core as (
    select core_bit, known_from_week from int_features where core_bit is not null
),

final as (
    select
        c.week_start,
        coalesce(bit_or((1::ubigint) << k.core_bit), 0::ubigint)       as core_mask,
        count(k.core_bit)::integer                                      as core_count
    from int_calendar as c
    left join core as k on k.known_from_week is null or k.known_from_week <= c.week_start
    group by c.week_start
)

select * from final
