-- grain: account, contact, feature and day
-- key: usage_date, account_id, contact_id, feature
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_usage_daily: one row per account, contact, feature and day; key (usage_date, account_id, contact_id, feature).
-- Casts the usage_daily export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_date(usage_date)     as usage_date,
    as_text(account_id)     as account_id,
    as_text(contact_id)     as contact_id,
    as_text(feature)        as feature,
    as_integer(event_count) as event_count,
    as_double(quantity)     as quantity,
    _source_file,
    _source_row
from {{ source }}
