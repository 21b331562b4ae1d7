-- grain: account-week
-- template: `weeks`, `values` and `model` are the side's weeks, its raw values and the fitted peer (src/calibrate/calibrate.ts)
-- kind: query
-- calibrate_peer: one row per account-week of `weeks`: the fitted peer's linear predictor (log-odds
-- of churn) from the `model` relation (measure_id, center, scale, lo, hi, coef, coef_missing) and
-- the raw values in `values` (account_id, week_start, measure_id, raw_value): each measure's value
-- clipped to [lo, hi] and standardised, or its missing-value term when the week has no value.
-- Key (account_id, week_start).
with

weeks as (
    select account_id, week_start from {{ weeks }}
),

model as (
    select * from {{ model }}
),

cells as (
    select w.account_id, w.week_start, m.*, v.raw_value
    from weeks as w
    cross join model as m
    left join {{ values }} as v
        on v.account_id = w.account_id and v.week_start = w.week_start and v.measure_id = m.measure_id
),

final as (
    select
        account_id,
        week_start,
        $intercept + coalesce(sum(case
            when raw_value is null then coef_missing
            else coef * (least(greatest(raw_value, lo), hi) - center) / scale
        end), 0)                                                        as log_odds
    from cells
    group by account_id, week_start
)

select * from final
order by account_id, week_start
