-- grain: account
-- key: account_id
-- accounts: one row per account: who they are (from the CRM) and their latest health.
--   churned_at, churn_reason, is_churned  from the account's latest churn episode (int_churn_episodes:
--              churn_events, subscription_changes or accounts.churned_at), when it has not come
--              back: a customer that left and returned is not churned now
--   churn_episodes  how many times the account has left
with

latest as (
    select *
    from int_health_scores
    qualify row_number() over (partition by account_id order by week_start desc) = 1
),

episodes as (
    select
        account_id,
        count(*)::integer                                               as churn_episodes,
        arg_max(churned_at, churned_at)                                 as last_churned_at,
        arg_max(reason, churned_at)                                     as last_reason,
        arg_max(reactivated_at is null, churned_at)                     as is_gone
    from int_churn_episodes
    group by account_id
),

final as (
    select
        a.account_id,
        a.account_name,
        a.segment,
        a.industry,
        a.region,
        a.plan,
        a.arr,
        a.seats_purchased,
        a.contract_start_date,
        a.renewal_date,
        a.csm_owner,
        case when e.is_gone then e.last_churned_at end                  as churned_at,
        case when e.is_gone then coalesce(e.last_reason, a.churn_reason) end as churn_reason,
        coalesce(e.is_gone, false)                                      as is_churned,
        coalesce(e.churn_episodes, 0)                                   as churn_episodes,
        l.week_end                                                      as last_scored_week_end,
        l.score,
        l.tier,
        l.coverage,
        l.score_change_4w,
        l.cap_reason
    from stg_accounts as a
    left join latest as l using (account_id)
    left join episodes as e using (account_id)
)

select * from final
-- in the order of its output file, which is written as built (no sort of the whole book there)
order by account_id
