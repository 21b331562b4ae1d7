-- grain: account
-- params: $ticket_days, the days of tickets an account page shows (loaders/accounts.ts)
-- site_account_activity: one row per account: weekly usage (events, active users), support
-- tickets opened in the last $ticket_days days, and every survey answer.
with

usage as (
    select
        account_id,
        list(strftime(week_start, '%Y-%m-%d') order by week_start)  as week_start,
        list(events order by week_start)                            as events,
        list(active_users order by week_start)                      as active_users
    from site_usage_weekly
    group by account_id
),

tickets as (
    select
        account_id,
        list({
            id: ticket_id,
            opened: strftime(opened_at, '%Y-%m-%d'),
            closed: strftime(closed_at, '%Y-%m-%d'),
            severity: severity,
            kind: kind,
            status: status,
            csat: csat_score
        } order by opened_at desc)                                  as tickets
    from site_tickets
    -- the portfolio's last as-of: the page loader narrows the unqualified tables to a pass of accounts
    where opened_at >= (select max(as_of) from main.account_health_weekly) - to_days($ticket_days::integer)
    group by account_id
),

surveys as (
    select
        account_id,
        list({
            date: strftime(responded_at, '%Y-%m-%d'),
            nps: nps,
            csat: csat,
            ces: ces,
            role: respondent_role,
            comment: comment
        } order by responded_at)                                    as surveys
    from site_surveys
    group by account_id
),

final as (
    select
        a.account_id,
        u.week_start                                                as usage_week_start,
        u.events                                                    as usage_events,
        u.active_users                                              as usage_active_users,
        t.tickets,
        s.surveys
    from accounts as a
    left join usage as u using (account_id)
    left join tickets as t using (account_id)
    left join surveys as s using (account_id)
)

select * from final
