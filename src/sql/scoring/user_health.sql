-- grain: contact present in the account's latest week
-- key: contact_id
-- user_health: one row per contact present in their account's latest scored week: activity and
-- user health (recency, frequency, breadth). Emails never leave the warehouse.
with

latest as (
    select account_id, max(week_start) as week_start from int_account_weeks group by account_id
),

final as (
    select
        p.account_id,
        p.contact_id,
        c.full_name,
        p.role,
        p.is_key,
        p.week_start,
        p.last_active_at,
        p.days_since_active,
        p.active_days_28d,
        p.events_28d,
        p.breadth_28d,
        p.recency_score,
        p.frequency_score,
        p.breadth_score,
        p.user_score
    from int_contact_weeks as p
    join latest as l using (account_id, week_start)
    join stg_contacts as c using (contact_id)
)

select * from final
-- in the order of its output file, which is written as built (no sort of the whole book there)
order by account_id, contact_id
