-- tune_eval_weeks: one row per labelled, uncensored account-week of the `weeks` relation whose score
-- became known at or after the split (as_of >= $split): the later period `health tune` reports on
-- and never fits on. Key (account_id, week_start).
with

weeks as (
    select * from {{ weeks }}
),

final as (
    select *
    from weeks
    where as_of >= $split::timestamp
      and not censored
)

select * from final
order by account_id, week_start
