-- grain: scope, account-week of `weeks`
-- key: scope, account_id, week_start
-- kind: query
-- template: `weeks` is calibrate_fit or calibrate_eval; `current` the current formula's scored weeks (calibrate_weeks), `calibrated` the calibrated formula's (backtest_weeks, or its re-tiered calibrate_rescored); `peer` and `peer_values` the two peers' scores on those weeks (src/calibrate/calibrate.ts)
-- calibrate_scored: one row per scope (default, calibrated, peer, peer_values) and account-week of
-- `weeks`: the score (the peers' negated log-odds, so that lower is riskier as for a health score),
-- the churn label and the tier position (null for the peers), as scoreMetrics reads them.
select 'default' as scope, c.account_id, c.week_start, c.score, c.label, c.tier_position
from {{ current }} as c join {{ weeks }} as w using (account_id, week_start)
union all
select 'calibrated', b.account_id, b.week_start, b.score, b.label, b.tier_position
from {{ calibrated }} as b join {{ weeks }} as w using (account_id, week_start)
union all
select 'peer', w.account_id, w.week_start, -p.log_odds, w.label, null::integer
from {{ peer }} as p join {{ weeks }} as w using (account_id, week_start)
union all
select 'peer_values', w.account_id, w.week_start, -p.log_odds, w.label, null::integer
from {{ peer_values }} as p join {{ weeks }} as w using (account_id, week_start)
