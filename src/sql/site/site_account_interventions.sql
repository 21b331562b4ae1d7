-- grain: intervention
-- key: intervention_id
-- site_account_interventions: one row per intervention of the interventions export, for the
-- account pages' history. key: intervention_id.
-- The site holds no e-mail addresses: an owner or kind typed as one (or holding one) shows
-- "(address withheld)" in its place. Names are data, rendered as text by the page.
with

interventions as (
    select * from stg_interventions
),

final as (
    select
        account_id,
        intervention_id,
        started_at,
        completed_at,
        regexp_replace(kind, '[^\s<>@]+@[^\s<>@]+', '(address withheld)', 'g')  as kind,
        regexp_replace(owner, '[^\s<>@]+@[^\s<>@]+', '(address withheld)', 'g') as owner,
        alert_id,
        outcome
    from interventions
    where account_id is not null and started_at is not null
)

select * from final order by account_id, started_at, intervention_id
