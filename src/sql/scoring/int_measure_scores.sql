-- grain: account, week, formula measure with data or a no-data score
-- key: account_id, week_start, category_id, measure_id
-- int_measure_scores: one row per account, week and formula measure that has data: raw value, its
-- percentile rank in the book when the formula scores it so, score (0-100), and its contribution
-- to the health score. A category is the weighted mean of its
-- measures with data; the health score the weighted mean of categories with data, so the
-- contributions of an account-week add up to its (uncapped) score. A measure whose map gives a
-- `missing` score has a row (raw value null, no_data true) on an account-week that has data for
-- some formula measure but none for it, while the book has usable data for it that week; without
-- one, or when the whole book has none, no data drops out. Coverage counts measured weight only.
with

mapped as (
    select
        v.*,
        m.category_id,
        m.weight                                                        as measure_weight,
        p.map,
        -- a map relative to the book reads the percentile rank, else the raw value
        case when m.relative_to is null then v.raw_value else v.percentile end as map_input
    from int_measure_inputs as v
    join formula_measures as m on m.measure_id = v.measure_id
    join formula_score_maps as p on p.key = v.measure_id
),

segmented as (
    -- the value's segment of its map, found once (score_in_segment in functions.sql)
    select *, map_segment(map_input, map.los) as map_segment from mapped
),

measured as (
    select
        account_id,
        week_start,
        category_id,
        measure_id,
        raw_value,
        percentile,
        measure_weight,
        score_in_segment(map_input, map, map_segment)                   as score,
        false                                                           as no_data
    from segmented
),

unmeasured as (
    select
        w.account_id,
        w.week_start,
        m.category_id,
        m.measure_id,
        null::double                                                    as raw_value,
        null::double                                                    as percentile,
        m.weight                                                        as measure_weight,
        m.missing_score                                                 as score,
        true                                                            as no_data
    -- read from the inputs, not `measured`: a CTE read twice is held in memory (27M rows at 10k)
    from (select distinct account_id, week_start from int_measure_inputs) as w
    join formula_measures as m on m.missing_score is not null
    join int_measure_book_weekly as b
        on b.measure_id = m.base_id and b.week_start = w.week_start
       and (b.is_informative or (m.zero_is_value and b.max_value = 0))
    -- only the rows of measures with a no-data score can match: the hash table holds those (none
    -- in a formula without any), not every input row (27M at 10k accounts)
    anti join (
        select account_id, week_start, measure_id from int_measure_inputs
        semi join formula_measures as f on f.measure_id = int_measure_inputs.measure_id and f.missing_score is not null
    ) as v
        on v.account_id = w.account_id and v.week_start = w.week_start and v.measure_id = m.measure_id
),

-- read twice (categories, final): computed twice rather than held and scanned (the map lookups
-- are cheap beside holding 27M rows); at 10k accounts 255 s -> 180 s back to back under load
scored as not materialized (
    select * from measured
    union all
    select * from unmeasured
),

categories as (
    select
        s.account_id,
        s.week_start,
        s.category_id,
        exact_sum(s.measure_weight)                                     as measure_weight_scored,
        exact_sum(case when s.no_data then 0 else s.measure_weight end)  as measure_weight_with_data,
        -- exact sums: a float sum depends on the order rows arrive in, and rounding alone still
        -- flips the last digit when a sum lands near it
        round(weighted_mean(s.measure_weight, s.score), 9)    as category_score
    from scored as s
    group by s.account_id, s.week_start, s.category_id
    having exact_sum(s.measure_weight) > 0
),

accounts as (
    select
        c.account_id,
        c.week_start,
        exact_sum(f.weight)                                             as category_weight_with_data,
        -- share of the formula's total weight (100 x 100) that had data
        round(exact_sum(f.weight * c.measure_weight_with_data) / 10000.0, 9)  as coverage
    from categories as c
    join formula_categories as f using (category_id)
    where f.weight > 0
    group by c.account_id, c.week_start
),

final as (
    select
        s.account_id,
        s.week_start,
        s.category_id,
        s.measure_id,
        s.raw_value,
        s.percentile,
        s.score,
        s.measure_weight,
        s.no_data,
        f.weight                                                        as category_weight,
        c.category_score,
        -- effective weight of the measure in the health score, after renormalising over data present
        f.weight / a.category_weight_with_data * s.measure_weight / c.measure_weight_scored as effective_weight,
        f.weight / a.category_weight_with_data * s.measure_weight / c.measure_weight_scored * s.score as contribution,
        a.coverage
    from scored as s
    join categories as c using (account_id, week_start, category_id)
    join accounts as a using (account_id, week_start)
    join formula_categories as f using (category_id)
)

select * from final
