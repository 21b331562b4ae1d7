-- grain: event
-- key: event_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_external_risk_events: one row per event; key (event_id).
-- Casts the external_risk_events export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(event_id)         as event_id,
    as_text(account_id)       as account_id,
    as_timestamp(occurred_at) as occurred_at,
    as_text(kind)             as kind,
    as_text(severity)         as severity,
    as_text(description)      as description,
    _source_file,
    _source_row
from {{ source }}
