-- grain: intervention
-- key: intervention_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_interventions: one row per intervention; key (intervention_id).
-- Casts the interventions export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(intervention_id)   as intervention_id,
    as_text(account_id)        as account_id,
    as_timestamp(started_at)   as started_at,
    as_timestamp(completed_at) as completed_at,
    as_text(kind)              as kind,
    as_text(owner)             as owner,
    as_text(alert_id)          as alert_id,
    as_text(outcome)           as outcome,
    _source_file,
    _source_row
from {{ source }}
