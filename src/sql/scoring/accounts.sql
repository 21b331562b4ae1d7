-- accounts: one row per account: who they are (from the CRM) and their latest health.
with

latest as (
    select *
    from int_health_scores
    qualify row_number() over (partition by account_id order by week_start desc) = 1
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
        a.churned_at,
        a.churn_reason,
        a.churned_at is not null                                        as is_churned,
        l.week_end                                                      as last_scored_week_end,
        l.score,
        l.tier,
        l.coverage,
        l.score_change_4w,
        l.cap_reason
    from stg_accounts as a
    left join latest as l using (account_id)
)

select * from final
-- in the order of its output file, which is written as built (no sort of the whole book there)
order by account_id
