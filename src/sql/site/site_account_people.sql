-- site_account_people: one row per account: its contacts at the account's latest week with their
-- activity and user health. Names and roles only: e-mail addresses never leave the engine.
with

users as (
    select * from user_health
),

latest as (
    select account_id, max(week_start) as week_start from user_health group by account_id
),

final as (
    select
        u.account_id,
        list({
            name: u.full_name,
            role: u.role,
            is_key: u.is_key,
            last_active: strftime(u.last_active_at, '%Y-%m-%d'),
            days_since_active: u.days_since_active,
            active_days_28d: u.active_days_28d,
            events_28d: u.events_28d,
            breadth_28d: round(u.breadth_28d, 2),
            user_score: round(u.user_score, 0)
        } order by u.is_key desc, u.user_score desc nulls last, u.full_name) as people
    from users as u
    join latest as l on l.account_id = u.account_id and l.week_start = u.week_start
    group by u.account_id
)

select * from final
