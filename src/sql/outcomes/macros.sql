-- kind: macros
-- Helpers of the outcomes models (src/outcomes/outcomes.ts creates them before the models run).
-- Wilson score interval at 95% (z = 1.96) for k successes out of n; null when n = 0. In doubles:
-- with integer counts 4 * n * n overflowed INT32 from n = 23,171 (a 10k-account book's episodes).
create or replace macro wilson_bound(k, n, z) as
    case when n > 0 then
        (k::double / n + z * z / (2.0 * n) + z * sqrt((k::double / n) * (1 - k::double / n) / n + z * z / (4.0 * n * n)))
        / (1 + z * z / n::double)
    end;
create or replace macro wilson_low(k, n) as wilson_bound(k, n, -1.96);
create or replace macro wilson_high(k, n) as wilson_bound(k, n, 1.96);
-- The first contract anniversary on or after a date (the renewal as known that day; Feb 29 falls
-- on Feb 28 in other years), the rule of src/sql/alerts/int_renewal_weeks.sql.
create or replace macro next_renewal_on(contract_start, on_date) as
    case
        when cast(contract_start + to_years(year(on_date) - year(contract_start)) as date) >= on_date
            then cast(contract_start + to_years(year(on_date) - year(contract_start)) as date)
        else cast(contract_start + to_years(year(on_date) - year(contract_start) + 1) as date)
    end;
