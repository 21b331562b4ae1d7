-- grain: ticket
-- key: ticket_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_support_tickets: one row per ticket; key (ticket_id).
-- Casts the support_tickets export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(ticket_id)              as ticket_id,
    as_text(account_id)             as account_id,
    as_text(contact_id)             as contact_id,
    as_timestamp(opened_at)         as opened_at,
    as_timestamp(closed_at)         as closed_at,
    as_text(severity)               as severity,
    as_text(kind)                   as kind,
    as_text(status)                 as status,
    as_integer(csat_score)          as csat_score,
    as_timestamp(first_response_at) as first_response_at,
    as_timestamp(escalated_at)      as escalated_at,
    as_boolean(is_escalated)        as is_escalated,
    _source_file,
    _source_row
from {{ source }}
