-- grain: survey response
-- key: response_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_survey_responses: one row per survey response; key (response_id).
-- Casts the survey_responses export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(response_id)       as response_id,
    as_text(account_id)        as account_id,
    as_text(contact_id)        as contact_id,
    as_timestamp(responded_at) as responded_at,
    as_integer(nps)            as nps,
    as_integer(csat)           as csat,
    as_integer(ces)            as ces,
    as_text(comment)           as comment,
    _source_file,
    _source_row
from {{ source }}
