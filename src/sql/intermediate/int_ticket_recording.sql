-- grain: the book (one row)
-- key: one row
-- stage: ingest
-- int_ticket_recording: one row for the book: from when its help desk records each optional ticket
-- column (the first value seen; null = never). Before that instant a measure that needs the column
-- has no data. Built once for the whole book at ingest, so account batches agree.
select
    min(opened_at) filter (where kind is not null)                      as kinds_from,
    least(min(escalated_at), min(opened_at) filter (where is_escalated is not null)) as escalations_from,
    min(first_response_at)                                              as responses_from
from stg_support_tickets
