-- grain: account
-- site_account_people: one row per account: its contacts at the account's latest week with their
-- activity and user health. Names and roles only: e-mail addresses never leave the engine.
with

-- user_health holds only each account's latest scored week
users as (
    select * from user_health
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
    group by u.account_id
)

select * from final
