-- grain: feature
-- key: feature
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_features: one row per feature; key (feature).
-- Casts the features export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(feature)    as feature,
    as_boolean(is_core) as is_core,
    as_text(min_plan)   as min_plan,
    _source_file,
    _source_row
from {{ source }}
