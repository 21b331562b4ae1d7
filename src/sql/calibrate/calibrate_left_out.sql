-- grain: one row
-- kind: query
-- params: $split, the split date (src/calibrate/calibrate.ts)
-- calibrate_left_out: how many observed account-weeks from the split on are not in calibrate_eval
-- (the calibrated formula has no data for any of their measures), as `n`.
select count(*)::integer as n
from calibrate_weeks as c
where c.observed and c.as_of >= $split::timestamp
  and not exists (select 1 from calibrate_eval as e where e.account_id = c.account_id and e.week_start = c.week_start)
