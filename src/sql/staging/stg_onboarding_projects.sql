-- grain: project
-- key: project_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_onboarding_projects: one row per project; key (project_id).
-- Casts the onboarding_projects export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(project_id)          as project_id,
    as_text(account_id)          as account_id,
    as_timestamp(started_at)     as started_at,
    as_date(target_go_live_date) as target_go_live_date,
    as_timestamp(go_live_at)     as go_live_at,
    _source_file,
    _source_row
from {{ source }}
