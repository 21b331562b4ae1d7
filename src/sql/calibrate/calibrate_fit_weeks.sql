-- grain: sampled account-week of the fit period
-- key: account_id, week_start
-- kind: query
-- params: $stride, keep every n-th calendar week (src/calibrate/calibrate.ts)
-- template: `source` is a long relation of measure values (account_id, week_start, measure_id, ...) read as `v`; `columns` the measure columns aggregated from it (`, max(v.raw_value) filter (where v.measure_id = 'x') as m0_0`, or nothing) (src/calibrate/calibrate.ts)
-- calibrate_fit_weeks: one row per account-week of calibrate_fit on every $stride-th calendar week,
-- in account and week order: its label, as-of (epoch ms), the current formula's score, and one
-- column per measure and matrix the regression reads.
select f.account_id, f.label, epoch_ms(f.as_of)::double as as_of_ms, any_value(c.score)::double as current_score{{ columns }}
from calibrate_fit as f
left join {{ source }} as v using (account_id, week_start)
left join (select account_id, week_start, score from calibrate_weeks) as c using (account_id, week_start)
where f.week_number % $stride = 0
group by f.account_id, f.week_start, f.label, f.as_of
order by f.account_id, f.week_start
