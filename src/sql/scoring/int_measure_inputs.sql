-- grain: account, week, formula measure with usable data
-- key: account_id, week_start, measure_id
-- int_measure_inputs: one row per account, week and formula measure with usable data: its raw value
-- (for a net-of-book measure, its base measure minus the book's median that week) and, when the
-- formula scores it relative to the book or segment, its percentile rank that week, which the
-- score map then reads. A measure not informative so far (one value across the whole book, see
-- int_measure_book_weekly) has no data, unless it counts events and that value is 0 (nothing
-- happened anywhere yet is still a value). What depends on the data alone is in
-- int_measure_ranked; this is its join with the formula's measures. A table, where the ranked
-- values are a view: as a view too, int_measure_scores ran the ranked join inside its own query
-- and took 647 s at 10k accounts on a loaded machine (about 530 s for the three models before).
with

uses as (
    select measure_id, base_id, is_net, relative_to, zero_is_value from formula_measures
),

final as (
    select
        v.account_id,
        v.week_start,
        u.measure_id,
        case when u.is_net then round(v.raw_value - v.median_value, 9) else v.raw_value end as raw_value,
        case u.relative_to when 'book' then v.pct_book when 'segment' then v.pct_segment end as percentile
    from int_measure_ranked as v
    join uses as u on u.base_id = v.measure_id
    where v.is_informative or u.zero_is_value
)

select * from final
