-- grain: churn episode
-- key: account_id, churned_at
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_churn_events: one row per churn episode; key (account_id, churned_at).
-- Casts the churn_events export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(account_id)          as account_id,
    as_timestamp(churned_at)     as churned_at,
    as_timestamp(reactivated_at) as reactivated_at,
    as_text(reason)              as reason,
    _source_file,
    _source_row
from {{ source }}
