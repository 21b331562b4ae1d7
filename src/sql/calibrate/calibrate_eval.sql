-- grain: account-week of the later period
-- key: account_id, week_start
-- kind: query
-- params: $split, the split date (src/calibrate/calibrate.ts)
-- calibrate_eval: one row per observed account-week of calibrate_weeks from the split on that the
-- calibrated formula scores (a row of backtest_weeks, re-scored with it): the later period, read
-- only once the formula is fixed.
select c.*
from calibrate_weeks as c
where c.observed and c.as_of >= $split::timestamp
  and exists (select 1 from backtest_weeks as b where b.account_id = c.account_id and b.week_start = c.week_start)
