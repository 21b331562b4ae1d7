-- grain: account
-- site_account_measures: one row per account: every measure at the account's latest scored week
-- (raw value, score, effective weight, contribution and its 4-week change).
with

measures as (
    select * from account_measures_weekly
),

latest as (
    select account_id, max(week_start) as week_start from account_health_weekly group by account_id
),

final as (
    select
        m.account_id,
        list({
            measure_id: m.measure_id,
            category_id: m.category_id,
            raw_value: m.raw_value,
            score: round(m.score, 1),
            weight: round(m.effective_weight, 4),
            contribution: round(m.contribution, 2),
            change: round(m.contribution_change_4w, 2)
        } order by m.category_id, m.measure_id)                       as measures
    from measures as m
    join latest as l on l.account_id = m.account_id and l.week_start = m.week_start
    group by m.account_id
)

select * from final
