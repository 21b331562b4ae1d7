-- grain: assessment
-- key: assessment_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_fit_assessments: one row per assessment; key (assessment_id).
-- Casts the fit_assessments export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(assessment_id)               as assessment_id,
    as_text(account_id)                  as account_id,
    as_timestamp(assessed_at)            as assessed_at,
    as_integer(fit_score)                as fit_score,
    as_boolean(has_executive_sponsor)    as has_executive_sponsor,
    as_boolean(has_long_term_strategy)   as has_long_term_strategy,
    as_integer(implementation_readiness) as implementation_readiness,
    _source_file,
    _source_row
from {{ source }}
