-- tune_fit_weeks: one row per account-week of the `weeks` relation (backtest_weeks, or the fit
-- weeks themselves for the inner validation) that `health tune` may fit on: its label horizon ended
-- by the split (as_of + $horizon_days <= $split), so its label depends only on
-- churn before the split. Key (account_id, week_start). Only every $stride-th week is kept (weeks
-- of one account are nearly copies of each other; a stride keeps big books fast).
with

weeks as (
    select * from {{ weeks }}
),

final as (
    select *
    from weeks
    where as_of + to_days($horizon_days) <= $split::timestamp
      and not censored
      and week_number % $stride = 0
)

select * from final
order by account_id, week_start
