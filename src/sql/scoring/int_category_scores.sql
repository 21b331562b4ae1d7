-- grain: account, week, category with data
-- key: account_id, week_start, category_id
-- int_category_scores: one row per account, week and category that has data: its score and its
-- contribution to the health score.
select
    account_id,
    week_start,
    category_id,
    any_value(category_score)                                           as category_score,
    round(exact_sum(contribution), 9)                                   as contribution -- same bits every run
from int_measure_scores
group by account_id, week_start, category_id
