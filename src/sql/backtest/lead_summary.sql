-- grain: scope
-- template: `leads` is lead_times with a scope column (lead_windows_scoped, src/backtest/backtest.ts)
-- kind: query
-- lead_summary: one row per scope of the `leads` relation (scope plus lead_times' columns: the warning
-- windows of churners and survivors). Only observable windows count.
--   churners   how many churns (episodes: churned_accounts counts each departure of an account
--              that left more than once) were flagged at risk (and alerted) in their window, how
--              many at least $weeks_a and $weeks_b weeks ahead, the median lead among those
--              flagged, and how many churns were left out (window not observable)
--   survivors  the false-alarm shares: for each reference week (a survivor window's ends_at), the
--              share of the survivors whose window ends there that got the same flag in it (at
--              least $weeks_a / $weeks_b weeks before its end), then the plain mean over the weeks
with

leads as (
    select * from {{ leads }}
),

scopes as (
    select distinct scope from leads
),

churners as (
    select
        scope,
        count(*)::integer                                               as churned_accounts,
        count(lead_weeks_at_risk)::integer                              as flagged,
        count(*) filter (where lead_weeks_at_risk >= $weeks_a)::integer as flagged_a,
        count(*) filter (where lead_weeks_at_risk >= $weeks_b)::integer as flagged_b,
        median(lead_weeks_at_risk)::double                              as median_lead_weeks,
        count(lead_weeks_alert)::integer                                as alerted,
        count(*) filter (where lead_weeks_alert >= $weeks_a)::integer   as alerted_a,
        count(*) filter (where lead_weeks_alert >= $weeks_b)::integer   as alerted_b,
        median(lead_weeks_alert)::double                                as median_alert_lead_weeks
    from leads
    where churned and is_observable
    group by scope
),

left_out as (
    select scope, count(*)::integer as churned_left_out
    from leads
    where churned and not is_observable
    group by scope
),

reference_weeks as (
    select
        scope,
        ends_at,
        count(*)                                                        as survivors,
        count(lead_weeks_at_risk)                                       as flagged,
        count(*) filter (where lead_weeks_at_risk >= $weeks_a)          as flagged_a,
        count(*) filter (where lead_weeks_at_risk >= $weeks_b)          as flagged_b,
        count(lead_weeks_alert)                                         as alerted,
        count(*) filter (where lead_weeks_alert >= $weeks_a)            as alerted_a,
        count(*) filter (where lead_weeks_alert >= $weeks_b)            as alerted_b
    from leads
    where not churned and is_observable
    group by scope, ends_at
),

survivors as (
    select
        r.scope,
        count(*)::integer                                               as reference_weeks,
        -- exact sums: the same bits every run whatever the order of the weeks
        exact_sum(r.flagged / r.survivors) / count(*)                   as false_flagged,
        exact_sum(r.flagged_a / r.survivors) / count(*)                 as false_flagged_a,
        exact_sum(r.flagged_b / r.survivors) / count(*)                 as false_flagged_b,
        exact_sum(r.alerted / r.survivors) / count(*)                   as false_alerted,
        exact_sum(r.alerted_a / r.survivors) / count(*)                 as false_alerted_a,
        exact_sum(r.alerted_b / r.survivors) / count(*)                 as false_alerted_b
    from reference_weeks as r
    group by r.scope
),

survivor_accounts as (
    select scope, count(distinct account_id)::integer as survivor_accounts
    from leads
    where not churned and is_observable
    group by scope
),

final as (
    select
        s.scope,
        coalesce(c.churned_accounts, 0)                                 as churned_accounts,
        coalesce(c.flagged, 0)                                          as flagged,
        coalesce(c.flagged_a, 0)                                        as flagged_a,
        coalesce(c.flagged_b, 0)                                        as flagged_b,
        c.median_lead_weeks,
        coalesce(c.alerted, 0)                                          as alerted,
        coalesce(c.alerted_a, 0)                                        as alerted_a,
        coalesce(c.alerted_b, 0)                                        as alerted_b,
        c.median_alert_lead_weeks,
        coalesce(l.churned_left_out, 0)                                 as churned_left_out,
        coalesce(a.survivor_accounts, 0)                                as survivor_accounts,
        coalesce(v.reference_weeks, 0)                                  as reference_weeks,
        v.false_flagged, v.false_flagged_a, v.false_flagged_b,
        v.false_alerted, v.false_alerted_a, v.false_alerted_b
    from scopes as s
    left join churners as c using (scope)
    left join left_out as l using (scope)
    left join survivors as v using (scope)
    left join survivor_accounts as a using (scope)
)

select * from final
order by scope
