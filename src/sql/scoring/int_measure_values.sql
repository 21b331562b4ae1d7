-- grain: account, week, measure
-- key: account_id, week_start, measure_id
-- reads: measures/*
-- template: `measure_unpivots` is the long form of the measure tables, one unpivot per family of the measures to compute (the formula's, its caps', the alert trend measure, if their tables are present): src/sql/templates.ts
-- int_measure_values: one row per account, week and measure with a value: the long form of the
-- measure tables. NaN (0/0 in a ratio) means no data, like null. Averages of floats depend on the
-- order parallel hashing feeds them; rounding far below any threshold gives the same bits every run.
select account_id, week_start, measure_id, round(raw_value, 9) as raw_value
from (
{{ measure_unpivots }}
)
where not isnan(raw_value)
