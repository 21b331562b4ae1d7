-- grain: support ticket
-- site_tickets: one row per support ticket opened before the export, for the account pages.
-- No contact details: only what the ticket was, when, and how it ended.
with

tickets as (
    select * from stg_support_tickets
),

final as (
    select
        account_id,
        ticket_id,
        opened_at,
        closed_at,
        severity,
        kind,
        status,
        csat_score
    from tickets
    where account_id is not null and opened_at is not null
)

select * from final order by account_id, opened_at, ticket_id
