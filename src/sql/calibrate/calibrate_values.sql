-- grain: account, week, measure
-- key: account_id, week_start, measure_id
-- kind: query
-- template: `weeks` is calibrate_fit or calibrate_eval (src/calibrate/calibrate.ts)
-- calibrate_values: the candidates' raw values and book ranks (calibrate_book_values) on the
-- account-weeks of `weeks`, with their churn label.
select v.account_id, v.week_start, v.measure_id, v.raw_value, v.pct_value, w.label
from calibrate_book_values as v
join {{ weeks }} as w using (account_id, week_start)
order by v.account_id, v.week_start, v.measure_id
