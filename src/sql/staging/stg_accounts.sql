-- grain: account
-- key: account_id
-- template: `source` is the export's files (ingest: src/ingest/stage.ts)
-- stg_accounts: one row per account; key (account_id).
-- Casts the accounts export to the contract's types and does nothing else.
-- Its source is the export's files, absent optional columns read as nulls, plus lineage columns.
select
    as_text(account_id)          as account_id,
    as_text(account_name)        as account_name,
    as_text(segment)             as segment,
    as_text(industry)            as industry,
    as_text(region)              as region,
    as_text(plan)                as plan,
    as_double(arr)               as arr,
    as_integer(seats_purchased)  as seats_purchased,
    as_date(contract_start_date) as contract_start_date,
    as_date(renewal_date)        as renewal_date,
    as_text(csm_owner)           as csm_owner,
    as_timestamp(churned_at)     as churned_at,
    as_text(churn_reason)        as churn_reason,
    _source_file,
    _source_row
from {{ source }}
