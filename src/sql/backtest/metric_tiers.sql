-- grain: scope, formula tier
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_tiers: one row per scope of the `rows` relation and formula tier (best first): account-weeks in the
-- tier, how many churned within the horizon, the churn rate and its lift over the scope's base rate.
with

source as (
    select scope, label, tier_position from {{ rows }}
),

scopes as (
    select scope, count(*) as rows, count(*) filter (where label) as positives
    from source
    group by scope
),

by_tier as (
    select scope, tier_position, count(*) as rows, count(*) filter (where label) as positives
    from source
    group by scope, tier_position
),

final as (
    select
        s.scope,
        t.tier_id                                                       as tier,
        t.label,
        t.position,
        coalesce(b.rows, 0)::integer                                    as rows,
        coalesce(b.positives, 0)::integer                               as churned,
        b.positives / nullif(b.rows, 0)                                 as churn_rate,
        (b.positives / nullif(b.rows, 0)) / nullif(s.positives / s.rows, 0) as lift
    from scopes as s
    cross join formula_tiers as t
    left join by_tier as b on b.scope = s.scope and b.tier_position = t.position
)

select * from final
order by scope, position
