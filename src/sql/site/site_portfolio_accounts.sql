-- grain: current account
-- site_portfolio_accounts: one row per current (not churned) account: who, where, ARR, renewal and
-- latest health, for the portfolio page's key numbers and accounts table. Open alerts are added by
-- the loader when the run has alerts.
with

current_accounts as (
    select * from accounts where not is_churned
),

exported as (
    select cast(max(as_of) as date) as exported_on from account_health_weekly
),

final as (
    select
        a.account_id,
        a.account_name,
        a.segment,
        a.region,
        a.plan,
        a.csm_owner,
        a.arr::double                                               as arr,
        a.seats_purchased::integer                                  as seats,
        (a.renewal_date - e.exported_on)::integer                   as renewal_in_days,
        a.score,
        a.tier,
        a.score_change_4w,
        a.coverage,
        a.cap_reason
    from current_accounts as a
    cross join exported as e
)

select * from final order by arr desc, account_id
