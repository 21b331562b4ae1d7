-- site_account_slices: the slices of the book each account belongs to, for the Portfolio page's
-- "slice by" control and the revenue retention by cohort: the whole book ('all'), and its segment,
-- plan, region, CSM and signup quarter (the quarter of contract_start_date, as in cohorts). Current
-- CRM values, not their values at the time; an empty value is the slice '(none)'.
-- grain: one row per account and dimension
-- key: account_id, dimension
with

crm as (
    select account_id, segment, plan, region, csm_owner, contract_start_date from accounts
),

final as (
    select account_id, 'all' as dimension, 'All accounts' as slice from crm
    union all select account_id, 'segment', coalesce(segment, '(none)') from crm
    union all select account_id, 'plan', coalesce(plan, '(none)') from crm
    union all select account_id, 'region', coalesce(region, '(none)') from crm
    union all select account_id, 'csm', coalesce(csm_owner, '(none)') from crm
    union all select account_id, 'signup_quarter',
        coalesce(format('{}-Q{}', year(contract_start_date), quarter(contract_start_date)), '(none)') from crm
)

select * from final
