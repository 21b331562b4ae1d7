-- site_portfolio_kpis: the Portfolio page's key numbers, for the whole book and each slice of it.
-- grain: one row per slice (dimension, slice)
-- key: dimension, slice
--   slice_rank                       1 for the slice with the most ARR in its dimension, then down
--                                    (ties by name): the order of the page's slice list, whose
--                                    first slices the page's file holds (loaders/portfolio.ts)
--   accounts, arr                    current customers and their ARR (accounts export)
--   scored_accounts, mean_score      those with a health score and their mean score
--   not_scored_accounts, _arr        those without one ("Not scored": in no tier)
--   not_best_accounts, _arr, not_best_share   scored accounts outside the best tier, their ARR and
--                                    its share of the slice's ARR (unscored accounts not included)
--   renewals_due_accounts, _arr      renewal due in the window (site_portfolio_accounts.is_renewal_due)
--   renewals_due_not_best_accounts, _arr   of those, scored outside the best tier
--   churned_accounts                 accounts of the slice churned now (in the export's history)
--   alerts_this_week                 alerts raised in the latest scored week (null: no alerts in the run)
--   open_alert_accounts              current accounts with an open alert (null: no alerts in the run)
--   churned_arr_12m, churned_accounts_12m, grr_12m, nrr_12m, logo_churn_12m, start_arr_12m
--                                    site_revenue_retention over the trailing 12 months
-- Needs site_alert_counts (account_id, alerts_this_week, open_alerts), empty when the run has no
-- alerts, and the parameter has_alerts.
with

slices as (
    select * from site_account_slices where dimension in ('all', 'segment', 'plan', 'region', 'csm')
),

current_accounts as (
    select s.dimension, s.slice, a.*, coalesce(c.alerts_this_week, 0) as alerts_this_week, coalesce(c.open_alerts, 0) as open_alerts
    from slices as s
    join site_portfolio_accounts as a using (account_id)
    left join site_alert_counts as c using (account_id)
),

churned as (
    select s.dimension, s.slice, count(*)::integer as churned_accounts
    from slices as s
    join accounts as a using (account_id)
    where a.is_churned
    group by all
),

trailing_year as (
    select * from site_revenue_retention where period_kind = 'trailing_12_months'
),

counted as (
    select
        dimension,
        slice,
        count(*)::integer                                               as accounts,
        sum(arr)::double                                                as arr,
        count(score)::integer                                           as scored_accounts,
        avg(score)                                                      as mean_score,
        count(*) filter (where tier_group = 'not_scored')::integer      as not_scored_accounts,
        coalesce(sum(arr) filter (where tier_group = 'not_scored'), 0)::double as not_scored_arr,
        count(*) filter (where tier_group <> 'not_scored' and not is_best_tier)::integer as not_best_accounts,
        coalesce(sum(arr) filter (where tier_group <> 'not_scored' and not is_best_tier), 0)::double as not_best_arr,
        count(*) filter (where is_renewal_due)::integer                 as renewals_due_accounts,
        coalesce(sum(arr) filter (where is_renewal_due), 0)::double     as renewals_due_arr,
        count(*) filter (where is_renewal_due and tier_group <> 'not_scored' and not is_best_tier)::integer as renewals_due_not_best_accounts,
        coalesce(sum(arr) filter (where is_renewal_due and tier_group <> 'not_scored' and not is_best_tier), 0)::double as renewals_due_not_best_arr,
        sum(alerts_this_week)::integer                                  as alerts_this_week,
        count(*) filter (where open_alerts > 0)::integer                as open_alert_accounts
    from current_accounts
    group by all
),

final as (
    select
        k.dimension,
        k.slice,
        (row_number() over (partition by k.dimension order by k.arr desc, k.slice))::integer as slice_rank,
        k.accounts,
        k.arr,
        k.scored_accounts,
        k.mean_score,
        k.not_scored_accounts,
        k.not_scored_arr,
        k.not_best_accounts,
        k.not_best_arr,
        case when k.arr > 0 then k.not_best_arr / k.arr end             as not_best_share,
        k.renewals_due_accounts,
        k.renewals_due_arr,
        k.renewals_due_not_best_accounts,
        k.renewals_due_not_best_arr,
        coalesce(c.churned_accounts, 0)                                 as churned_accounts,
        case when $has_alerts::boolean then k.alerts_this_week end      as alerts_this_week,
        case when $has_alerts::boolean then k.open_alert_accounts end   as open_alert_accounts,
        t.churned_arr                                                   as churned_arr_12m,
        t.churned_accounts                                              as churned_accounts_12m,
        t.start_arr                                                     as start_arr_12m,
        t.grr                                                           as grr_12m,
        t.nrr                                                           as nrr_12m,
        t.logo_churn                                                    as logo_churn_12m
    from counted as k
    left join churned as c using (dimension, slice)
    left join trailing_year as t using (dimension, slice)
)

select * from final order by dimension = 'all' desc, dimension, slice_rank
