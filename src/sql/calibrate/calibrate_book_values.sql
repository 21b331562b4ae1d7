-- grain: account, week, candidate measure with usable data
-- key: account_id, week_start, measure_id
-- kind: query
-- reads: int_measure_inputs
-- calibrate_book_values: every candidate measure's raw value on every scored account-week of the
-- book with usable data, and its percentile rank in the book that week, as the engine gives them to
-- a formula measure scored `relative_to: book`: the engine's int_measure_inputs, built for the
-- candidates in schema calibrate_candidates (src/calibrate/sample.ts), where int_measure_ranked ranks
-- each value among the accounts with a value the same week (no look-ahead), int_measure_book_weekly
-- says whether the measure is informative so far, and a net-of-book candidate (`<base>_net`) is its
-- base minus the base's median over the book that week (a dip that hits every account the same
-- week is seasonality, not risk). The ranking and netting rule is the engine's, defined once.
select account_id, week_start, measure_id, raw_value, percentile as pct_value
from calibrate_candidates.int_measure_inputs
