-- grain: dimension, cohort, scored week
-- key: dimension, cohort, week_start
-- template: `tier_counts` and `tier_columns` are one column per formula tier: src/sql/templates.ts
-- cohorts: one row per dimension, cohort and scored week, from the week the cohort's first account
-- became a customer to the last scored week. Dimensions: signup_quarter (quarter of
-- contract_start_date, e.g. 2024-Q3), segment, plan, region and csm. Segment, plan, region and csm
-- are the CRM's current values (the accounts export), not their values at the time; an empty
-- region or csm is the cohort '(none)'.
--   accounts        cohort accounts that were customers that week
--   cohort_size     cohort accounts that had been customers in any week up to this one (accounts
--                   that churned before the history starts are in no cohort)
--   retained_share  accounts / cohort_size: logo retention
--   arr             ARR of the week's customers, as of that week
--   mean_score, median_score over the week's customers with a score; unscored counts the others
--   one count per formula tier, in a column named after the tier id (healthy, watch, at_risk by default)
with

accounts as (
    select account_id, contract_start_date, segment, plan, region, csm_owner from stg_accounts
),

members as (
    select account_id, 0 as dimension_position, 'signup_quarter' as dimension,
           format('{}-Q{}', year(contract_start_date), quarter(contract_start_date)) as cohort
    from accounts
    union all select account_id, 1, 'segment', segment from accounts
    union all select account_id, 2, 'plan', plan from accounts
    union all select account_id, 3, 'region', coalesce(region, '(none)') from accounts
    union all select account_id, 4, 'csm', coalesce(csm_owner, '(none)') from accounts
),

first_weeks as (
    select account_id, min(week_start) as week_start from int_account_weeks group by account_id
),

joins as (
    select m.dimension_position, m.dimension, m.cohort, f.week_start, count(*) as joined
    from members as m
    join first_weeks as f using (account_id)
    group by all
),

grid as (
    select s.dimension_position, s.dimension, s.cohort, c.week_start, c.week_end
    from (select dimension_position, dimension, cohort, min(week_start) as first_week from joins group by all) as s
    join int_calendar as c on c.week_start >= s.first_week
),

sized as (
    select
        g.*,
        sum(coalesce(j.joined, 0)) over (partition by g.dimension, g.cohort order by g.week_start)::integer as cohort_size
    from grid as g
    left join joins as j using (dimension_position, dimension, cohort, week_start)
),

weekly as (
    select
        m.dimension,
        m.cohort,
        h.week_start,
        count(*)::integer                                               as accounts,
        -- exact sums: the same bits whatever order the rows arrive in
        exact_sum(w.arr)                                                as arr,
        exact_sum(h.score) / count(h.score)                             as mean_score,
        median(h.score)                                                 as median_score,
        count(*) filter (where h.score is null)::integer                as unscored,
        {{ tier_counts }}
    from members as m
    join int_health_scores as h using (account_id)
    join int_account_weeks as w using (account_id, week_start)
    left join formula_tiers as t on t.tier_id = h.tier
    group by m.dimension, m.cohort, h.week_start
),

final as (
    select
        s.dimension,
        s.cohort,
        s.week_start,
        s.week_end,
        coalesce(k.accounts, 0)                                         as accounts,
        s.cohort_size,
        coalesce(k.accounts, 0) / s.cohort_size                         as retained_share,
        coalesce(k.arr, 0)                                              as arr,
        k.mean_score,
        k.median_score,
        coalesce(k.unscored, 0)                                         as unscored,
        {{ tier_columns }},
        i.formula_hash
    from sized as s
    left join weekly as k using (dimension, cohort, week_start)
    cross join formula_info as i
    order by s.dimension_position, s.cohort, s.week_start
)

select * from final
