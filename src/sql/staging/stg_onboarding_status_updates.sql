-- grain: project status update
-- key: project_id, updated_at
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_onboarding_status_updates: one row per project status update; key (project_id, updated_at).
-- Casts the onboarding_status_updates export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(project_id)      as project_id,
    as_timestamp(updated_at) as updated_at,
    as_text(status)          as status,
    _source_file,
    _source_row
from {{ source }}
