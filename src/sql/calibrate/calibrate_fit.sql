-- grain: account-week of the fit period
-- key: account_id, week_start
-- kind: query
-- params: $h, the horizon in days; $split, the split date (src/calibrate/calibrate.ts)
-- calibrate_fit: one row per observed account-week of calibrate_weeks whose churn horizon ended by
-- the split: the fit period, the only weeks read until the calibrated formula is fixed.
select account_id, week_start, week_end, as_of, week_number, label
from calibrate_weeks
where observed and as_of + to_days($h) <= $split::timestamp
