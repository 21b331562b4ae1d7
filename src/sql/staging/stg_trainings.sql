-- grain: completion
-- key: training_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_trainings: one row per completion; key (training_id).
-- Casts the trainings export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(training_id)       as training_id,
    as_text(account_id)        as account_id,
    as_text(contact_id)        as contact_id,
    as_text(course)            as course,
    as_text(kind)              as kind,
    as_timestamp(completed_at) as completed_at,
    _source_file,
    _source_row
from {{ source }}
