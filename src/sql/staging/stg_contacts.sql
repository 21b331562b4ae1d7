-- grain: contact
-- key: contact_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_contacts: one row per contact; key (contact_id).
-- Casts the contacts export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(contact_id)     as contact_id,
    as_text(account_id)     as account_id,
    as_text(full_name)      as full_name,
    as_text(email)          as email,
    as_text(role)           as role,
    as_boolean(is_key)      as is_key,
    as_timestamp(joined_at) as joined_at,
    as_timestamp(left_at)   as left_at,
    _source_file,
    _source_row
from {{ source }}
