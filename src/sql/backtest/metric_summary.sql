-- grain: scope
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_summary: one row per scope of the `rows` relation (labelled, uncensored account-weeks with scope,
-- account_id, week_start, score, label, tier_position): counts, base rate, precision and
-- recall of the at-risk tier and of at-risk plus watch, and the top decile's lift.
-- AUC comes from metric_auc.sql.
with

source as (
    select scope, account_id, week_start, score, label, tier_position from {{ rows }}
),

deciles as (
    select
        scope,
        label,
        -- the riskiest tenth first; ties broken by key so the cut is deterministic
        ntile(10) over (partition by scope order by score, account_id, week_start) as decile
    from source
),

top_decile as (
    select scope, count(*) as rows, count(*) filter (where label) as positives
    from deciles
    where decile = 1
    group by scope
),

counts as (
    select
        scope,
        count(*)                                                        as rows,
        count(*) filter (where label)                                   as positives,
        count(distinct account_id)                                      as accounts,
        count(*) filter (where tier_position = $at_risk_position)       as at_risk_flagged,
        count(*) filter (where tier_position = $at_risk_position and label) as at_risk_hits,
        count(*) filter (where tier_position >= $watch_position)        as watch_flagged,
        count(*) filter (where tier_position >= $watch_position and label) as watch_hits
    from source
    group by scope
),

final as (
    select
        c.scope,
        c.rows::integer                                                 as rows,
        c.positives::integer                                            as positives,
        c.accounts::integer                                             as accounts,
        c.positives / c.rows                                            as base_rate,
        c.at_risk_flagged::integer                                      as at_risk_flagged,
        c.at_risk_hits / nullif(c.at_risk_flagged, 0)                   as at_risk_precision,
        c.at_risk_hits / nullif(c.positives, 0)                         as at_risk_recall,
        c.watch_flagged::integer                                        as watch_flagged,
        c.watch_hits / nullif(c.watch_flagged, 0)                       as watch_precision,
        c.watch_hits / nullif(c.positives, 0)                           as watch_recall,
        d.rows::integer                                                 as top_decile_rows,
        d.positives::integer                                            as top_decile_positives,
        (d.positives / d.rows) / nullif(c.positives / c.rows, 0)        as top_decile_lift
    from counts as c
    join top_decile as d using (scope)
)

select * from final
order by scope
