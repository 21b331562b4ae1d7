-- grain: account, scored week
-- key: account_id, week_start
-- measures_fit: one row per account-week, from the latest fit assessment made before the week's end.
with

weeks as (
    select account_id, week_start, as_of from int_account_weeks
),

final as (
    select
        w.account_id,
        w.week_start,
        f.fit_score::double                                             as fit_score,
        (f.has_executive_sponsor::integer + f.has_long_term_strategy::integer)::double as sponsor_and_strategy,
        f.implementation_readiness::double                              as implementation_readiness
    from weeks as w
    asof left join stg_fit_assessments as f
        on f.account_id = w.account_id
       and w.as_of > f.assessed_at
)

select * from final
