-- grain: alert (account, kind, episode of its condition)
-- key: account_id, kind, raised_week_start
-- params: $clear_weeks from the formula's alerts.clear_after_weeks
-- int_alert_episodes: one row per alert, i.e. per account, kind and episode of its condition
-- (gaps and islands over the account's weeks). A gap of at most $clear_weeks weeks without the
-- condition continues the same episode; a longer one clears it, and the condition raises a new
-- alert when it comes back. The alert clears in the $clear_weeks-th week without the condition.
-- Status: open (not cleared by the last scored week), cleared, or churned (the account left
-- before the alert cleared).
with

conditions as (
    select account_id, kind, week_index from int_alert_conditions
),

account_weeks as (
    select account_id, week_index, week_start, week_end from int_account_weeks
),

account_spans as (
    select account_id, max(week_index) as last_index, max(week_start) as last_week_start
    from int_account_weeks
    group by account_id
),

history as (
    select max(week_start) as last_week_start from int_calendar
),

islands as (
    select
        *,
        -- a new episode starts at the first week, or after more than $clear_weeks weeks without the condition
        sum(case when gap is null or gap > $clear_weeks then 1 else 0 end)
            over (partition by account_id, kind order by week_index rows between unbounded preceding and current row) as episode
    from (
        select *, week_index - lag(week_index) over (partition by account_id, kind order by week_index) as gap
        from conditions
    )
),

episodes as (
    select
        account_id,
        kind,
        min(week_index)                                                 as raised_index,
        max(week_index)                                                 as last_index,
        count(*)::integer                                               as weeks_active
    from islands
    group by account_id, kind, episode
),

final as (
    select
        e.account_id,
        e.kind,
        r.week_start                                                    as raised_week_start,
        r.week_end                                                      as raised_week_end,
        l.week_end                                                      as last_seen_week_end,
        c.week_end                                                      as cleared_week_end,
        e.weeks_active,
        case
            when c.week_end is not null then 'cleared'
            when s.last_week_start = h.last_week_start then 'open'
            else 'churned'
        end                                                             as status
    from episodes as e
    join account_weeks as r on r.account_id = e.account_id and r.week_index = e.raised_index
    join account_weeks as l on l.account_id = e.account_id and l.week_index = e.last_index
    left join account_weeks as c on c.account_id = e.account_id and c.week_index = e.last_index + $clear_weeks
    join account_spans as s on s.account_id = e.account_id
    cross join history as h
)

select * from final
