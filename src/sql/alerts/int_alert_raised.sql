-- grain: alert (account, kind, episode of its condition)
-- key: account_id, kind, raised_week_start
-- int_alert_raised: one row per alert with its condition as of the week it was raised (severity,
-- reason, own drivers, reference week and score). A table of its own so that the alerts model,
-- which joins it to the per-measure scores, sees its true size: inlined there, the optimiser took
-- it for the larger side and built its hash table on the scores of the whole book (about 40% of
-- the alerts stage at 10k accounts).
select e.*, c.severity, c.reason, c.drivers, c.ref_week_start, c.score_before, c.week_index
from int_alert_episodes as e
join int_alert_conditions as c
    on c.account_id = e.account_id
   and c.kind = e.kind
   and c.week_start = e.raised_week_start
