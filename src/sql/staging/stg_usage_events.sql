-- grain: event
-- key: none
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_usage_events: one row per event; no key.
-- Casts the usage_events export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_timestamp(occurred_at) as occurred_at,
    as_text(account_id)       as account_id,
    as_text(contact_id)       as contact_id,
    as_text(feature)          as feature,
    as_double(quantity)       as quantity,
    _source_file,
    _source_row
from {{ source }}
