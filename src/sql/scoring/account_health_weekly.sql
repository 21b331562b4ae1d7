-- grain: account, week
-- key: account_id, week_start
-- template: `category_columns` is one `category_<id>` column per formula category, in formula order: src/sql/templates.ts
-- account_health_weekly: one row per account-week with its score, tier, coverage, caps, the score
-- and tier four weeks earlier, and one column per category score (`category_<id>`), in formula order.
select
    h.account_id, h.week_start, h.week_end, h.as_of,
    h.score, h.tier, h.coverage, h.uncapped_score, h.cap_reason,
    h.score_4w_ago, h.score_change_4w, h.tier_last_week,
    {{ category_columns }},
    any_value(i.formula_hash) as formula_hash
from int_health_scores as h
left join int_category_scores as c using (account_id, week_start)
left join formula_categories as f using (category_id)
cross join formula_info as i
group by all
order by h.account_id, h.week_start
