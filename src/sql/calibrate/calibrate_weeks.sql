-- grain: account-week of backtest_weeks
-- key: account_id, week_start
-- params: $horizon_days, the calibration's horizon (src/calibrate/calibrate.ts)
-- calibrate_weeks: one row per account-week of backtest_weeks (the current formula's scores and
-- labels), with `observed`: the week's whole churn horizon ended by the export
-- (as_of + $horizon_days <= exported_at). Calibration labels a week only when it is observed, for
-- churners and survivors alike, so that the last horizon of the book is not all positives.
-- Key (account_id, week_start).
with

weeks as (
    select * from backtest_weeks
),

exported as (
    select exported_at from run_context
),

final as (
    select w.*, w.as_of + to_days($horizon_days) <= e.exported_at as observed
    from weeks as w
    cross join exported as e
)

select * from final
order by account_id, week_start
