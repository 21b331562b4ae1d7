-- grain: subscription change
-- key: change_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_subscription_changes: one row per subscription change; key (change_id).
-- Casts the subscription_changes export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(change_id)       as change_id,
    as_text(account_id)      as account_id,
    as_timestamp(changed_at) as changed_at,
    as_text(kind)            as kind,
    as_integer(seats)        as seats,
    as_text(plan)            as plan,
    as_double(arr)           as arr,
    _source_file,
    _source_row
from {{ source }}
