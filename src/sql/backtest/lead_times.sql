-- grain: warning window (a churn, or a survivor's labelled week)
-- key: account_id, churned, ends_at
-- reads: backtest_weeks
-- params: $lookback_weeks, $at_risk_position from the backtest's options and the formula's tiers
-- template: `weeks` is backtest_weeks (or a re-scored copy, or one account bucket of either), `period` the whole relation that `weeks` is drawn from (the period's bounds), `alerts` the alerts table or an empty relation without alerts (src/backtest/backtest.ts)
-- lead_times: one row per warning window of the `weeks` relation (the backtest period's weeks, shaped
-- like backtest_weeks, or a re-scored copy of them). Key (account_id, churned, ends_at). A window is
-- the $lookback_weeks weeks before an instant, and the same rule reads it for both classes:
--   churned    true: a churn episode (the weeks' churned_at: each week's next churn) that fell
--              within the horizon of a week of the period; one window per episode, ending at the
--              churn (ends_at = churned_at), so a customer that left, came back and left again has
--              one window per departure
--              false: a survivor week: a labelled week whose next churn (if any) is not one of
--              those episodes (an account that never churned, or the weeks after it came back);
--              one window per such week, ending at its as_of (a moment after which the account is
--              known not to have churned within the horizon)
-- A window reads only the weeks of its own stint (the weeks with the same next churn: not those
-- before an earlier departure) and the alerts known since that stint's first week.
--   is_observable  every week whose as_of falls in the window is a labelled week of the period: it
--              starts no earlier than the period's first week, and it ends before the first week
--              whose horizon runs past the export. Only these windows count in the shares.
--   first_at_risk_week_end  the first week in the worst tier whose as_of falls in the window
--   lead_weeks_at_risk      whole weeks from that week's as_of (when the flag became known) to ends_at
--   first_alert_week_end    the first alert of any kind known (the Monday after its week) in the
--                           window (the `alerts` relation: empty when the run has no alerts)
--   lead_weeks_alert        whole weeks from the alert's as_of to ends_at
-- A window without a flag has nulls: a churner missed, or a survivor left alone.
with

weeks as (
    -- labelled = label not null (censored weeks have none)
    select account_id, week_start, week_end, as_of, segment, arr, tier, tier_position, churned_at, label
    from {{ weeks }}
),

alerts as (
    select account_id, kind, raised_week_end, cast(raised_week_end + 1 as timestamp) as known_at from {{ alerts }}
),

-- the period's bounds, from every account's weeks even when `weeks` holds one bucket of accounts
observed as (
    select
        min(as_of)                                                      as first_as_of,
        max(as_of) filter (where label is not null)                     as last_labelled_as_of
    from {{ period }}
),

-- churn episodes that fell within the horizon of a week of the period: a positive week, or a
-- censored one followed by a churn before the export (the churn is then inside its horizon)
churned as (
    select distinct account_id, churned_at
    from weeks
    where label or (label is null and churned_at is not null)
),

-- the first week of each stint in the period (weeks with the same next churn)
stints as (
    select account_id, churned_at, min(as_of) as stint_start
    from weeks
    group by account_id, churned_at
),

churn_windows as (
    select
        w.account_id,
        true                                                            as churned,
        w.churned_at                                                    as ends_at,
        w.churned_at                                                    as next_churn_at,
        arg_max(w.segment, w.week_start)                                as segment,
        arg_max(w.arr, w.week_start)                                    as arr,
        max(w.week_end)                                                 as last_week_end,
        arg_max(w.tier, w.week_start)                                   as last_tier
    from weeks as w
    join churned as c using (account_id, churned_at)
    group by w.account_id, w.churned_at
),

survivor_windows as (
    select
        w.account_id,
        false                                                           as churned,
        w.as_of                                                         as ends_at,
        w.churned_at                                                    as next_churn_at,
        w.segment,
        w.arr,
        w.week_end                                                      as last_week_end,
        w.tier                                                          as last_tier
    from weeks as w
    where w.label is not null
      and not exists (select 1 from churned as c where c.account_id = w.account_id and c.churned_at = w.churned_at)
),

windows as (
    select
        u.*,
        u.ends_at - to_days($lookback_weeks * 7)                        as window_start,
        t.stint_start,
        -- no week before the period can fall in the window (as_of are a week apart), and no
        -- censored week can: the next as_of after the last labelled one is past ends_at
        u.ends_at - to_days($lookback_weeks * 7) > o.first_as_of - to_days(7)
            and u.ends_at < o.last_labelled_as_of + to_days(7)          as is_observable
    from (select * from churn_windows union all select * from survivor_windows) as u
    join stints as t on t.account_id = u.account_id and t.churned_at is not distinct from u.next_churn_at
    cross join observed as o
),

flags as (
    select
        x.account_id,
        x.churned,
        x.ends_at,
        min(w.week_end)                                                 as first_at_risk_week_end,
        min(w.as_of)                                                    as first_at_risk_as_of,
        count(*)::integer                                               as at_risk_weeks
    from windows as x
    join weeks as w
      on w.account_id = x.account_id
     and w.as_of >= x.window_start
     and w.as_of <= x.ends_at
     and w.churned_at is not distinct from x.next_churn_at
    where w.tier_position = $at_risk_position
    group by x.account_id, x.churned, x.ends_at
),

first_alerts as (
    select
        x.account_id,
        x.churned,
        x.ends_at,
        min(a.raised_week_end)                                          as first_alert_week_end,
        -- several alerts raised in the first week: the first kind by name, the same every run
        arg_min(a.kind, (a.raised_week_end, a.kind))                    as first_alert_kind
    from windows as x
    join alerts as a
      on a.account_id = x.account_id
     and a.known_at >= x.window_start
     and a.known_at <= x.ends_at
     and a.known_at >= x.stint_start
    group by x.account_id, x.churned, x.ends_at
),

final as (
    select
        x.account_id,
        x.churned,
        x.ends_at,
        case when x.churned then x.ends_at end                          as churned_at,
        x.window_start,
        x.is_observable,
        x.segment,
        x.arr,
        x.last_week_end,
        x.last_tier,
        f.first_at_risk_week_end,
        (date_diff('day', f.first_at_risk_as_of, x.ends_at) // 7)::integer as lead_weeks_at_risk,
        coalesce(f.at_risk_weeks, 0)                                    as at_risk_weeks,
        a.first_alert_week_end,
        a.first_alert_kind,
        (date_diff('day', cast(a.first_alert_week_end + 1 as timestamp), x.ends_at) // 7)::integer as lead_weeks_alert
    from windows as x
    left join flags as f using (account_id, churned, ends_at)
    left join first_alerts as a using (account_id, churned, ends_at)
)

select * from final
order by churned desc, ends_at, account_id
