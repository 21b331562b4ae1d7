-- grain: planted account
-- planted_flags: one row per planted account of the demo warehouse: did the health score flag it
-- (watch or at risk), and how many weeks before churn? Reads the published health history and the
-- demo's answers (_answers/scenarios.csv), which the engine itself never reads.
with

answers as (
    select account_id, scenario, expected, signal_started_at, churned_at
    from read_csv($answers_file, header = true)
),

weeks as (
    select account_id, week_end, as_of, tier
    from read_parquet($health_file)
),

judged as (
    select
        a.account_id,
        a.scenario,
        a.expected,
        a.churned_at is not null                                        as churned,
        -- churners: flagged in the 13 weeks before churn; others: in the 16 weeks after the signal
        bool_or(w.tier <> $best_tier and (
            (a.churned_at is not null and w.as_of > a.churned_at - interval 91 day)
            or (a.churned_at is null and w.as_of > a.signal_started_at and w.as_of <= a.signal_started_at + interval 112 day)
        ))                                                              as flagged,
        max(date_diff('day', w.as_of, a.churned_at) / 7.0) filter (where w.tier <> $best_tier and w.as_of > a.churned_at - interval 91 day) as weeks_ahead
    from answers as a
    join weeks as w using (account_id)
    where a.expected = 'at_risk'
    group by all
),

final as (
    select
        scenario,
        count(*)::integer                                               as accounts,
        count(*) filter (where churned)::integer                        as churned,
        round(avg(flagged::integer), 2)                                 as flagged_share,
        round(avg((weeks_ahead >= 4)::integer) filter (where churned), 2) as churners_flagged_4w_ahead,
        round(median(weeks_ahead) filter (where churned), 1)            as median_weeks_ahead
    from judged
    group by grouping sets ((scenario), ())
),

-- the price: how often unplanted, never-churning accounts sit on watch or worse
false_alarms as (
    select
        'baseline (share of weeks flagged)'                             as scenario,
        count(distinct a.account_id)::integer                           as accounts,
        0                                                               as churned,
        round(avg((w.tier <> $best_tier)::integer), 2)                  as flagged_share,
        null::decimal(4, 2)                                             as churners_flagged_4w_ahead,
        null::double                                                    as median_weeks_ahead
    from answers as a
    join weeks as w using (account_id)
    where a.scenario = 'baseline'
),

report as (
    select 1 as part, coalesce(scenario, 'all planted at-risk') as scenario, * exclude (scenario) from final
    union all
    select 2 as part, * from false_alarms
)

select * exclude (part) from report
order by part, scenario = 'all planted at-risk', scenario
