-- site_revenue_retention: the lagging indicators beside the health score: revenue retention, logo
-- churn, churned, contracted and expanded ARR, and the renewal rate, per period and slice of the book.
-- grain: one row per period kind, period and slice (dimension, slice)
-- key: period_kind, period_start, dimension, slice
-- Periods: each of the last $months complete calendar months before the export, each of the last
-- $quarters complete quarters, and the trailing 12 months ending at the export instant (UTC). Months
-- and quarters are for the whole book (dimension 'all'); the trailing 12 months also per slice of
-- site_account_slices (segment, plan, region, csm, signup_quarter). Periods before the first
-- contract are left out.
-- Definitions (point to point, ARR as of an instant from site_arr_timeline):
--   start_arr, start_accounts  ARR and number of the accounts with ARR > 0 at the period's start
--   churned_arr                start ARR of those with no ARR at its end (churned_accounts of them)
--   contraction_arr            start minus end ARR of those with less, but some, ARR at its end
--   expansion_arr              end minus start ARR of those with more ARR at its end
--   grr                        (start_arr - churned_arr - contraction_arr) / start_arr, at most 1
--   nrr                        (start_arr - churned_arr - contraction_arr + expansion_arr) / start_arr
--   logo_churn                 churned_accounts / start_accounts
--   new_accounts, new_arr      accounts with no ARR at the start and some at the end, their end ARR
--   renewals, churns           subscription changes of kind renewal, and churns, in the period
--   renewal_rate               renewals / (renewals + churns); renewal_rate_arr the same in ARR (ARR
--                              after the renewal, ARR before the churn); null when the exports
--                              record no renewal at all
with

timeline as (
    select * from site_arr_timeline
),

book as (
    select
        $exported_at::timestamp                                         as exported_at,
        (select min(changed_at) from timeline where arr > 0)            as first_arr_at,
        exists (select 1 from timeline where list_contains(kinds, 'renewal')) as has_renewals
),

members as (
    select * from site_account_slices
),

periods as (
    select 'month' as period_kind, s.period_start, s.period_start + interval 1 month as period_end
    from book as b,
        unnest(generate_series(date_trunc('month', b.exported_at) - to_months($months::integer),
                               date_trunc('month', b.exported_at) - interval 1 month, interval 1 month)) as s(period_start)
    union all
    select 'quarter', s.period_start, s.period_start + interval 3 month
    from book as b,
        unnest(generate_series(date_trunc('quarter', b.exported_at) - to_months(3 * $quarters::integer),
                               date_trunc('quarter', b.exported_at) - interval 3 month, interval 3 month)) as s(period_start)
    union all
    select 'trailing_12_months', exported_at - interval 12 month, exported_at from book
),

kept_periods as (
    select p.* from periods as p cross join book as b where p.period_end > b.first_arr_at
),

period_members as (
    select p.period_kind, p.period_start, p.period_end, m.account_id, m.dimension, m.slice
    from kept_periods as p
    join members as m on m.dimension = 'all' or p.period_kind = 'trailing_12_months'
),

instants as (
    select distinct account_id, period_start as at from period_members
    union
    select distinct account_id, period_end from period_members
),

arr_at as (
    select i.account_id, i.at, coalesce(t.arr, 0) as arr
    from instants as i
    asof left join timeline as t
        on t.account_id = i.account_id
       and i.at > t.changed_at
),

movements as (
    select
        pm.*,
        s.arr                                                           as start_arr,
        e.arr                                                           as end_arr
    from period_members as pm
    join arr_at as s on s.account_id = pm.account_id and s.at = pm.period_start
    join arr_at as e on e.account_id = pm.account_id and e.at = pm.period_end
),

retention as (
    select
        period_kind, period_start, period_end, dimension, slice,
        count(*) filter (where start_arr > 0)::integer                  as start_accounts,
        coalesce(sum(start_arr) filter (where start_arr > 0), 0)::double as start_arr,
        count(*) filter (where start_arr > 0 and end_arr = 0)::integer  as churned_accounts,
        coalesce(sum(start_arr) filter (where start_arr > 0 and end_arr = 0), 0)::double as churned_arr,
        count(*) filter (where start_arr > 0 and end_arr > 0 and end_arr < start_arr)::integer as contracted_accounts,
        coalesce(sum(start_arr - end_arr) filter (where start_arr > 0 and end_arr > 0 and end_arr < start_arr), 0)::double as contraction_arr,
        count(*) filter (where start_arr > 0 and end_arr > start_arr)::integer as expanded_accounts,
        coalesce(sum(end_arr - start_arr) filter (where start_arr > 0 and end_arr > start_arr), 0)::double as expansion_arr,
        count(*) filter (where start_arr = 0 and end_arr > 0)::integer  as new_accounts,
        coalesce(sum(end_arr) filter (where start_arr = 0 and end_arr > 0), 0)::double as new_arr,
        coalesce(sum(end_arr) filter (where end_arr > 0), 0)::double    as end_arr,
        count(*) filter (where end_arr > 0)::integer                    as end_accounts
    from movements
    group by all
),

events as (
    select
        pm.period_kind, pm.period_start, pm.dimension, pm.slice,
        count(*) filter (where list_contains(t.kinds, 'renewal'))::integer as renewals,
        coalesce(sum(t.arr) filter (where list_contains(t.kinds, 'renewal')), 0)::double as renewed_arr,
        count(*) filter (where list_contains(t.kinds, 'churn'))::integer as churns,
        coalesce(sum(t.arr_before) filter (where list_contains(t.kinds, 'churn')), 0)::double as churn_arr_lost
    from period_members as pm
    join timeline as t
        on t.account_id = pm.account_id
       and t.changed_at >= pm.period_start
       and t.changed_at < pm.period_end
    group by all
),

final as (
    select
        r.period_kind,
        r.period_start,
        r.period_end,
        r.dimension,
        r.slice,
        r.start_accounts,
        r.start_arr,
        r.churned_accounts,
        r.churned_arr,
        r.contracted_accounts,
        r.contraction_arr,
        r.expanded_accounts,
        r.expansion_arr,
        r.new_accounts,
        r.new_arr,
        r.end_accounts,
        r.end_arr,
        case when r.start_arr > 0 then least(1, (r.start_arr - r.churned_arr - r.contraction_arr) / r.start_arr) end as grr,
        case when r.start_arr > 0 then (r.start_arr - r.churned_arr - r.contraction_arr + r.expansion_arr) / r.start_arr end as nrr,
        case when r.start_accounts > 0 then r.churned_accounts / r.start_accounts end as logo_churn,
        coalesce(e.renewals, 0)                                         as renewals,
        coalesce(e.churns, 0)                                           as churns,
        case when b.has_renewals and coalesce(e.renewals, 0) + coalesce(e.churns, 0) > 0
             then coalesce(e.renewals, 0) / (coalesce(e.renewals, 0) + coalesce(e.churns, 0)) end as renewal_rate,
        case when b.has_renewals and coalesce(e.renewed_arr, 0) + coalesce(e.churn_arr_lost, 0) > 0
             then coalesce(e.renewed_arr, 0) / (coalesce(e.renewed_arr, 0) + coalesce(e.churn_arr_lost, 0)) end as renewal_rate_arr
    from retention as r
    cross join book as b
    left join events as e using (period_kind, period_start, dimension, slice)
)

select * from final order by period_kind, period_start, dimension, slice
