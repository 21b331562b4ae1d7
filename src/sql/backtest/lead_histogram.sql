-- grain: scope, whole week of lead
-- template: `leads` is lead_times with a scope column (lead_windows_scoped, src/backtest/backtest.ts)
-- kind: query
-- lead_histogram: one row per scope of the `leads` relation and whole week of lead time, 0 to
-- $lookback_weeks: churned accounts with an observable window first flagged at risk (and first
-- alerted) that many weeks ahead.
with

leads as (
    select scope, lead_weeks_at_risk, lead_weeks_alert from {{ leads }} where churned and is_observable
),

bins as (
    select s.scope, b.range::integer as weeks
    from (select distinct scope from {{ leads }}) as s
    cross join range(0, $lookback_weeks + 1) as b
),

flagged as (
    select scope, lead_weeks_at_risk as weeks, count(*) as accounts
    from leads
    where lead_weeks_at_risk is not null
    group by all
),

alerted as (
    select scope, lead_weeks_alert as weeks, count(*) as accounts
    from leads
    where lead_weeks_alert is not null
    group by all
),

final as (
    select
        b.scope,
        b.weeks,
        coalesce(f.accounts, 0)::integer                                as accounts,
        coalesce(a.accounts, 0)::integer                                as alerted
    from bins as b
    left join flagged as f using (scope, weeks)
    left join alerted as a using (scope, weeks)
)

select * from final
order by scope, weeks
