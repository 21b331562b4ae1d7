-- grain: scope, 10-point score band
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; backtest_scoped in the backtest)
-- kind: query
-- metric_calibration: one row per scope of the `rows` relation and 10-point score band with account-weeks:
-- mean score, observed churn rate within the horizon, and the mean risk percentile (0 = the
-- safest week of the scope, 1 = the riskiest) of the band's weeks. A well-ordered score has churn
-- rates falling band after band.
with

source as (
    select
        scope,
        score,
        label,
        least(floor(score / 10), 9)::integer                            as band_index,
        percent_rank() over (partition by scope order by score desc)    as risk_percentile
    from {{ rows }}
),

final as (
    select
        scope,
        band_index * 10 || '-' || (band_index + 1) * 10                 as band,
        band_index * 10                                                 as score_from,
        (band_index + 1) * 10                                           as score_to,
        count(*)::integer                                               as rows,
        count(*) filter (where label)::integer                          as churned,
        count(*) filter (where label) / count(*)                        as churn_rate,
        exact_sum(score) / count(score)                                 as mean_score, -- same bits every run
        exact_sum(risk_percentile) / count(risk_percentile)             as mean_risk_percentile
    from source
    group by scope, band_index
)

select * from final
order by scope, score_from
