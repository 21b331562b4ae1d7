-- grain: measure, quantile bin
-- template: `values` is the fit period's account-week values (src/calibrate/calibrate.ts)
-- kind: query
-- calibrate_bins: one row per measure and quantile bin of its raw values over `values` (the fit
-- period's account-week values: account_id, week_start, measure_id, raw_value, label). Bin edges
-- are the distinct $bins-quantiles of the measure's values; a value falls in the bin of the edges
-- below it, so equal values share a bin and bins never overlap. Key (measure_id, bin).
with

source as (
    select measure_id, raw_value, label from {{ values }}
),

edges as (
    select
        measure_id,
        list_sort(list_distinct(quantile_disc(raw_value, list_transform(range(1, $bins), i -> i / $bins)))) as edges
    from source
    group by measure_id
),

binned as (
    select s.measure_id, s.raw_value, s.label, len(list_filter(e.edges, x -> x < s.raw_value)) as bin
    from source as s
    join edges as e using (measure_id)
),

final as (
    select
        measure_id,
        bin::integer                                                    as bin,
        min(raw_value)                                                  as lower,
        max(raw_value)                                                  as upper,
        quantile_cont(raw_value, 0.5)                                   as median,
        count(*)::integer                                               as rows,
        count(*) filter (where label)::integer                          as positives
    from binned
    group by measure_id, bin
)

select * from final
order by measure_id, bin
