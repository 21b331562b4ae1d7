-- lead_summary: one row per scope of the churned accounts (the `leads` relation: scope plus lead_times'
-- columns): how many were flagged at risk, and alerted, within the lookback, how many at least
-- $weeks_a and $weeks_b weeks ahead, and the median lead among those flagged.
select
    scope,
    count(*)::integer                                                   as churned_accounts,
    count(lead_weeks_at_risk)::integer                                  as flagged,
    count(*) filter (where lead_weeks_at_risk >= $weeks_a)::integer     as flagged_a,
    count(*) filter (where lead_weeks_at_risk >= $weeks_b)::integer     as flagged_b,
    median(lead_weeks_at_risk)::double                                  as median_lead_weeks,
    count(lead_weeks_alert)::integer                                    as alerted,
    count(*) filter (where lead_weeks_alert >= $weeks_a)::integer       as alerted_a,
    count(*) filter (where lead_weeks_alert >= $weeks_b)::integer       as alerted_b,
    median(lead_weeks_alert)::double                                    as median_alert_lead_weeks
from {{ leads }}
group by scope
order by scope
