-- grain: alert kind (null: all kinds)
-- template: `weeks` is backtest_weeks, `alerts` the alerts table (src/backtest/backtest.ts)
-- kind: query
-- alert_precision: one row per alert kind raised in a week of the `weeks` relation (backtest_weeks),
-- then one for every kind together (kind null). An alert takes the label of the account-week it was
-- raised in (see backtest_weeks.sql): followed by churn within the horizon after that week's as_of,
-- or not, or censored when the horizon runs past the export.
--   alerts                  alerts raised in a week of the period
--   labelled                of those, the ones whose horizon is observable
--   followed_by_churn       of those, the ones followed by churn within the horizon
--   precision               followed_by_churn / labelled (null without a labelled alert)
--   lift                    precision over the base rate of the labelled account-weeks
--   alerts_per_account_year alerts per account and 52.18 weeks (365.25 days) of scored account-weeks
with

weeks as (
    select account_id, week_end, label from {{ weeks }}
),

alerts as (
    select account_id, kind, raised_week_end from {{ alerts }}
),

exposure as (
    select
        count(*)                                                        as account_weeks,
        count(*) filter (where label) / nullif(count(label), 0)         as base_rate
    from weeks
),

labelled as (
    select a.kind, w.label
    from alerts as a
    join weeks as w on w.account_id = a.account_id and w.week_end = a.raised_week_end
),

by_kind as (
    select
        kind,
        count(*)                                                        as alerts,
        count(label)                                                    as labelled,
        count(*) filter (where label)                                   as followed_by_churn
    from labelled
    group by grouping sets ((kind), ())
),

final as (
    select
        k.kind,
        k.alerts::integer                                               as alerts,
        k.labelled::integer                                             as labelled,
        k.followed_by_churn::integer                                    as followed_by_churn,
        k.followed_by_churn / nullif(k.labelled, 0)                     as precision,
        (k.followed_by_churn / nullif(k.labelled, 0)) / nullif(e.base_rate, 0) as lift,
        k.alerts / nullif(e.account_weeks / (365.25 / 7), 0)            as alerts_per_account_year
    from by_kind as k
    cross join exposure as e
)

select * from final
order by kind nulls last
