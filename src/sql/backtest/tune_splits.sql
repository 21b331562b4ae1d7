-- tune_splits: one row per candidate split of the `weeks` relation (backtest_weeks, or the fit weeks
-- when `health tune` validates inside the fit period): each week's as_of
-- (a Monday 00:00 UTC), plus $split when given (null = none), with what each side of it would hold.
--   fit   weeks whose label horizon has ended by the split (as_of + $horizon_days <= split): their
--         labels depend only on churn before the split
--   eval  weeks whose score became known at or after the split (as_of >= split), not censored
-- Weeks in between (horizon still open at the split) belong to neither side. `health tune` picks
-- the split with the most positive account-weeks on its poorer side.
with

weeks as (
    select account_id, as_of, label, censored from {{ weeks }}
),

per_as_of as (
    select
        as_of,
        count(*) filter (where not censored)                            as uncensored_rows,
        count(*) filter (where label)                                   as positive_rows
    from weeks
    group by as_of
),

churners as (
    select account_id, min(as_of) as first_label_as_of, max(as_of) as last_label_as_of
    from weeks
    where label
    group by account_id
),

candidates as (
    select as_of as split from per_as_of
    union
    select $split::timestamp as split where $split is not null
),

sides as (
    select
        c.split,
        coalesce(sum(p.uncensored_rows) filter (where p.as_of + to_days($horizon_days) <= c.split), 0) as fit_rows,
        coalesce(sum(p.positive_rows) filter (where p.as_of + to_days($horizon_days) <= c.split), 0) as fit_positives,
        coalesce(sum(p.uncensored_rows) filter (where p.as_of >= c.split), 0) as eval_rows,
        coalesce(sum(p.positive_rows) filter (where p.as_of >= c.split), 0) as eval_positives
    from candidates as c
    cross join per_as_of as p
    group by c.split
),

churned as (
    select
        c.split,
        count(*) filter (where h.first_label_as_of + to_days($horizon_days) <= c.split) as fit_churned,
        count(*) filter (where h.last_label_as_of >= c.split)           as eval_churned
    from candidates as c
    cross join churners as h
    group by c.split
),

final as (
    select
        s.split,
        s.fit_rows::integer                                             as fit_rows,
        s.fit_positives::integer                                        as fit_positives,
        coalesce(h.fit_churned, 0)::integer                             as fit_churned,
        s.eval_rows::integer                                            as eval_rows,
        s.eval_positives::integer                                       as eval_positives,
        coalesce(h.eval_churned, 0)::integer                            as eval_churned
    from sides as s
    left join churned as h using (split)
)

select * from final
order by split
