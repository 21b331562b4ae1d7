-- grain: planted churn scenario
-- planted_alerts: one row per planted churn scenario of the demo warehouse (plus all of them, and
-- the baseline's false alarms): how many planted at-risk churners got an alert raised on or after
-- their signal started and before they churned, and how many days before the churn the first one
-- came. Reads the published alerts and the demo's answers (_answers/scenarios.csv), which the
-- engine itself never reads.
with

answers as (
    select account_id, scenario, expected, signal_started_at, churned_at
    from read_csv($answers_file, header = true)
),

alerts as (
    select account_id, kind, raised_as_of
    from read_parquet($alerts_file)
),

first_alerts as (
    select
        a.account_id,
        a.scenario,
        a.churned_at,
        min(l.raised_as_of)                                             as first_alert_at,
        arg_min(l.kind, l.raised_as_of)                                 as first_kind
    from answers as a
    left join alerts as l
        on l.account_id = a.account_id
       and l.raised_as_of >= a.signal_started_at
       and l.raised_as_of < a.churned_at
    where a.expected = 'at_risk' and a.churned_at is not null
    group by all
),

final as (
    select
        scenario,
        count(*)::integer                                               as churners,
        count(first_alert_at)::integer                                  as alerted,
        round(count(first_alert_at) / count(*), 2)                      as alerted_share,
        count(*) filter (where date_diff('day', first_alert_at, churned_at) >= 28)::integer as alerted_4w_ahead,
        median(date_diff('day', first_alert_at, churned_at))::integer   as median_days_ahead,
        mode(first_kind)                                                as usual_first_kind
    from first_alerts
    group by grouping sets ((scenario), ())
),

-- the price: alerts raised on unplanted, never-churning accounts, per account and year
false_alarms as (
    select
        'baseline (alerts per account-year)'                            as scenario,
        count(distinct a.account_id)::integer                           as churners,
        0                                                               as alerted,
        round(count(l.account_id) / count(distinct a.account_id) * 52 / (select count(distinct week_end) from read_parquet($health_file)), 2) as alerted_share,
        null::integer                                                   as alerted_4w_ahead,
        null::integer                                                   as median_days_ahead,
        mode(l.kind)                                                    as usual_first_kind
    from answers as a
    left join alerts as l using (account_id)
    where a.scenario = 'baseline'
),

report as (
    select 1 as part, coalesce(scenario, 'all planted churners') as scenario, * exclude (scenario) from final
    union all
    select 2 as part, * from false_alarms
)

select * exclude (part) from report
order by part, scenario = 'all planted churners', scenario
