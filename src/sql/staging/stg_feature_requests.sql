-- grain: request
-- key: request_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_feature_requests: one row per request; key (request_id).
-- Casts the feature_requests export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(request_id)        as request_id,
    as_text(account_id)        as account_id,
    as_text(feature)           as feature,
    as_text(priority)          as priority,
    as_text(status)            as status,
    as_timestamp(requested_at) as requested_at,
    as_timestamp(shipped_at)   as shipped_at,
    as_timestamp(declined_at)  as declined_at,
    _source_file,
    _source_row
from {{ source }}
