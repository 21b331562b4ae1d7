-- grain: account, week, measure of the inner split's earlier part
-- key: account_id, week_start, measure_id
-- kind: query
-- params: $gap, the horizon in ms; $split, the inner split (epoch ms) (src/calibrate/calibrate.ts)
-- calibrate_inner_values: the rows of calibrate_fit_values whose week's horizon ended by the inner
-- split of the fit period: what a candidate is refitted on before it is judged on the later part.
select v.*
from calibrate_fit_values as v
join calibrate_fit as f using (account_id, week_start)
where epoch_ms(f.as_of)::double + $gap <= $split
