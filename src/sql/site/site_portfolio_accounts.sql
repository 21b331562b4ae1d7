-- site_portfolio_accounts: who, where, ARR, renewal and latest health of each current customer,
-- for the Portfolio page's key numbers, tier rows and accounts table.
-- grain: one row per current (not churned) account
-- key: account_id
--   renewal_date      the contract's renewal date (accounts export), as it is
--   renewal_in_days   days from the export's date ($exported_at, UTC) to it; negative when past
--   is_renewal_due    renewal_in_days between 0 and $renewal_days
--   tier_group        the tier id, or 'not_scored' for an account with no score (named as such on
--                     every page and counted in no tier)
--   is_best_tier      scored and in the formula's best tier ($best_tier); false when not scored
with

current_accounts as (
    select * from accounts where not is_churned
),

exported as (
    select cast($exported_at::timestamp as date) as exported_on
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
        a.renewal_date,
        date_diff('day', e.exported_on, a.renewal_date)::integer    as renewal_in_days,
        coalesce(date_diff('day', e.exported_on, a.renewal_date) between 0 and $renewal_days::integer, false) as is_renewal_due,
        a.score,
        a.tier,
        case when a.score is null or a.tier is null then 'not_scored' else a.tier end as tier_group,
        coalesce(a.score is not null and a.tier = $best_tier, false) as is_best_tier,
        a.score_change_4w,
        a.coverage,
        a.cap_reason
    from current_accounts as a
    cross join exported as e
)

select * from final order by arr desc, account_id
