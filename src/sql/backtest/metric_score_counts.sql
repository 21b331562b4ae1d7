-- grain: scope, score
-- template: `rows` is the scoped relation of labelled account-weeks the metric reads (src/backtest/metrics.ts; signal_auc.sql)
-- kind: query
-- metric_score_counts: one row per scope and score of the `rows` relation (scope, score, label):
-- how many of its labelled rows churned (positives) and did not (negatives). What the rank AUC
-- (metric_auc.sql) reads; a caller that needs the counts for more than the AUC reads them once.
select
    scope,
    score,
    count(*) filter (where label)                                       as positives,
    count(*) filter (where not label)                                   as negatives
from {{ rows }}
where score is not null
group by scope, score
