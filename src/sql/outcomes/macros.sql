-- kind: macros
-- Helpers of the outcomes models (src/outcomes/outcomes.ts creates them before the models run).
-- Wilson score interval at 95% (z = 1.96) for k successes out of n; null when n = 0.
create or replace macro wilson_low(k, n) as
    case when n > 0 then
        ((k / n) + 1.96 * 1.96 / (2 * n) - 1.96 * sqrt((k / n) * (1 - k / n) / n + 1.96 * 1.96 / (4 * n * n)))
        / (1 + 1.96 * 1.96 / n)
    end;
create or replace macro wilson_high(k, n) as
    case when n > 0 then
        ((k / n) + 1.96 * 1.96 / (2 * n) + 1.96 * sqrt((k / n) * (1 - k / n) / n + 1.96 * 1.96 / (4 * n * n)))
        / (1 + 1.96 * 1.96 / n)
    end;
-- The first contract anniversary on or after a date (the renewal as known that day; Feb 29 falls
-- on Feb 28 in other years), the rule of src/sql/alerts/int_renewal_weeks.sql.
create or replace macro next_renewal_on(contract_start, on_date) as
    case
        when cast(contract_start + to_years(year(on_date) - year(contract_start)) as date) >= on_date
            then cast(contract_start + to_years(year(on_date) - year(contract_start)) as date)
        else cast(contract_start + to_years(year(on_date) - year(contract_start) + 1) as date)
    end;
