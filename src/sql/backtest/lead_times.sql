-- lead_times: one row per account that churned within the horizon of a week of the `weeks` relation (the
-- backtest period's labelled weeks, or a re-scored copy of them).
-- Key (account_id). How early the score (and the alerts) warned:
--   first_at_risk_week_end  the first week in the worst tier whose as_of falls within the
--                           $lookback_weeks weeks before the churn (an earlier at-risk spell that
--                           ended more than that before the churn does not count)
--   lead_weeks_at_risk      whole weeks from that week's as_of (when the flag became known) to the churn
--   first_alert_week_end    the first alert of any kind raised in the same lookback window
--                           (the `alerts` relation: empty when the run has no alerts)
--   lead_weeks_alert        whole weeks from the alert's as_of (the Monday after its week) to the churn
-- An account never flagged in the window has nulls: it counts as a miss in the shares.
with

weeks as (
    select account_id, week_start, week_end, as_of, segment, arr, tier, tier_position, churned_at, label
    from {{ weeks }}
),

alerts as (
    select account_id, kind, raised_week_end from {{ alerts }}
),

churners as (
    select
        account_id,
        any_value(churned_at)                                           as churned_at,
        any_value(churned_at) - to_days($lookback_weeks * 7)            as window_start,
        arg_max(segment, week_start)                                    as segment,
        arg_max(arr, week_start)                                        as arr,
        max(week_end)                                                   as last_week_end,
        arg_max(tier, week_start)                                       as last_tier
    from weeks
    where label
    group by account_id
),

flags as (
    select
        w.account_id,
        min(w.week_end)                                                 as first_at_risk_week_end,
        min(w.as_of)                                                    as first_at_risk_as_of,
        count(*)::integer                                               as at_risk_weeks
    from weeks as w
    join churners as c using (account_id)
    where w.tier_position = $at_risk_position
      and w.as_of >= c.window_start
    group by w.account_id
),

first_alerts as (
    select
        a.account_id,
        min(a.raised_week_end)                                          as first_alert_week_end,
        -- several alerts raised in the first week: the first kind by name, the same every run
        arg_min(a.kind, (a.raised_week_end, a.kind))                    as first_alert_kind
    from alerts as a
    join churners as c using (account_id)
    where cast(a.raised_week_end + 1 as timestamp) >= c.window_start
      and cast(a.raised_week_end + 1 as timestamp) <= c.churned_at
    group by a.account_id
),

final as (
    select
        c.account_id,
        c.churned_at,
        c.segment,
        c.arr,
        c.last_week_end,
        c.last_tier,
        f.first_at_risk_week_end,
        (date_diff('day', f.first_at_risk_as_of, c.churned_at) // 7)::integer as lead_weeks_at_risk,
        coalesce(f.at_risk_weeks, 0)                                    as at_risk_weeks,
        a.first_alert_week_end,
        a.first_alert_kind,
        (date_diff('day', cast(a.first_alert_week_end + 1 as timestamp), c.churned_at) // 7)::integer as lead_weeks_alert
    from churners as c
    left join flags as f using (account_id)
    left join first_alerts as a using (account_id)
)

select * from final
order by churned_at, account_id
