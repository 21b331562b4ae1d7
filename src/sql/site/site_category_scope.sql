-- site_category_scope: which current accounts the Risk page's "what drives risk" covers: those
-- scored outside the formula's best tier ($best_tier), and those not scored (left out, named so).
-- grain: one row (the book)
-- key: one row
with

current_accounts as (
    select * from accounts where not is_churned
),

final as (
    select
        count(*) filter (where score is not null and tier is not null and tier <> $best_tier)::integer as accounts_outside_best,
        count(*) filter (where score is null or tier is null)::integer                               as accounts_not_scored,
        count(*)::integer                                                                             as accounts
    from current_accounts
)

select * from final
