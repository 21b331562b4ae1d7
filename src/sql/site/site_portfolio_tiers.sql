-- site_portfolio_tiers: current customers by tier, in accounts and ARR, and the renewals due in
-- the renewal window (site_portfolio_accounts.is_renewal_due), for the whole book and each slice of it (the Portfolio page's ARR by
-- tier chart, renewals tile and "slice by" control). Unscored accounts are the tier 'not_scored'
-- ("Not scored"), after the formula's tiers; every tier has a row, with zeros when empty.
-- grain: one row per slice (dimension, slice) and tier
-- key: dimension, slice, tier_id
-- Needs site_tiers (tier_id, label, position: 0 the best) from the formula.
with

current_accounts as (
    select * from site_portfolio_accounts
),

slices as (
    select s.dimension, s.slice, a.*
    from site_account_slices as s
    join current_accounts as a using (account_id)
    where s.dimension in ('all', 'segment', 'plan', 'region', 'csm')
),

tiers as (
    select tier_id, label, position from site_tiers
    union all
    select 'not_scored', 'Not scored', (select count(*) from site_tiers)
),

grid as (
    select d.dimension, d.slice, t.tier_id, t.label, t.position
    from (select distinct dimension, slice from slices) as d
    cross join tiers as t
),

counted as (
    select
        dimension, slice, tier_group                                    as tier_id,
        count(*)::integer                                               as accounts,
        sum(arr)::double                                                as arr,
        count(*) filter (where is_renewal_due)::integer                 as renewals_due_accounts,
        coalesce(sum(arr) filter (where is_renewal_due), 0)::double     as renewals_due_arr
    from slices
    group by all
),

final as (
    select
        g.dimension,
        g.slice,
        g.tier_id,
        g.label                                                         as tier_label,
        g.position::integer                                             as tier_position,
        coalesce(c.accounts, 0)                                         as accounts,
        coalesce(c.arr, 0)::double                                      as arr,
        coalesce(c.renewals_due_accounts, 0)                            as renewals_due_accounts,
        coalesce(c.renewals_due_arr, 0)::double                         as renewals_due_arr
    from grid as g
    left join counted as c using (dimension, slice, tier_id)
)

select * from final order by dimension, slice, tier_position
