-- outcomes_before_after: churn and how early risk was seen, before and after a go-live date.
-- grain: one row per period (before, after $go_live)
-- key: period
-- An episode belongs to the period its opening falls in; a churn to the period of its date (churns
-- within the scored history). episode_churn_rate = churned / decided episodes (Wilson 95%);
-- annual_churn_rate = churns / account-years scored in the period (52.18 scored weeks a year);
-- seen_share = churns with an at-risk episode opened in the 26 weeks before them; median_weeks_seen
-- = weeks from that opening to the churn (the lead time).
with

periods as (
    select * from (values ('before', 1), ('after', 2)) as t(period, position)
),

bounds as (
    select min(week_start) as first_week_start, max(week_end) as last_week_end from account_health_weekly
),

episodes as (
    select
        case when opened_at < cast($go_live as timestamp) then 'before' else 'after' end as period,
        status
    from outcomes_episodes
),

episode_counts as (
    select
        period,
        count(*) filter (where status in ('saved', 'churned'))::integer as episodes,
        count(*) filter (where status = 'churned')::integer             as churned_episodes
    from episodes
    group by period
),

account_weeks as (
    select case when week_start < cast($go_live as date) then 'before' else 'after' end as period, count(*)::double as weeks
    from account_health_weekly
    group by all
),

churns as (
    select c.account_id, c.churned_at,
        case when c.churned_at < cast($go_live as timestamp) then 'before' else 'after' end as period
    from int_churn_episodes as c, bounds as b
    where c.churned_at >= b.first_week_start and c.churned_at < b.last_week_end + 1
),

seen as (
    select c.account_id, c.churned_at, c.period,
        max(date_diff('day', e.opened_at, c.churned_at)) / 7.0::double   as weeks_seen
    from churns as c
    left join outcomes_episodes as e
        on e.account_id = c.account_id
       and e.opened_at <= c.churned_at
       and e.opened_at >= c.churned_at - interval 182 day
    group by all
),

churn_counts as (
    select
        period,
        count(*)::integer                                               as churns,
        count(weeks_seen)::integer                                      as churns_seen,
        median(weeks_seen)                                              as median_weeks_seen
    from seen
    group by period
),

final as (
    select
        p.period,
        coalesce(e.episodes, 0)                                         as episodes,
        coalesce(e.churned_episodes, 0)                                 as churned_episodes,
        case when e.episodes > 0 then e.churned_episodes / e.episodes end as episode_churn_rate,
        wilson_low(coalesce(e.churned_episodes, 0), coalesce(e.episodes, 0)) as episode_churn_rate_low,
        wilson_high(coalesce(e.churned_episodes, 0), coalesce(e.episodes, 0)) as episode_churn_rate_high,
        coalesce(c.churns, 0)                                           as churns,
        coalesce(w.weeks, 0) / 52.18                                    as account_years,
        case when w.weeks > 0 then coalesce(c.churns, 0) / (w.weeks / 52.18) end as annual_churn_rate,
        coalesce(c.churns_seen, 0)                                      as churns_seen,
        case when c.churns > 0 then c.churns_seen / c.churns end        as seen_share,
        c.median_weeks_seen
    from periods as p
    left join episode_counts as e using (period)
    left join churn_counts as c using (period)
    left join account_weeks as w using (period)
    order by p.position
)

select * from final
