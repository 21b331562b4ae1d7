-- site_attention: "Needs attention this week" on the Portfolio page: the current customers with an
-- open alert, one row per account, in the order to act on them.
-- grain: one row per current account with at least one open alert
-- key: account_id
-- Order (attention_rank, 1 first): accounts whose renewal is due (is_renewal_due) come
-- first; then by ARR at stake, the ARR weighted by how far the health score is from 100
-- (arr * (100 - score) / 100; an unscored account counts its whole ARR); then by ARR.
--   reason, playbook  of the account's top open alert: the most severe, then the latest raised
--   other_reasons     the other open alerts' reasons, in the same order, each without its drivers
--                     (the text before the first "; ")
--   owner             the CSM's name (accounts.csm_owner); null when what is recorded is an e-mail
--                     address, which the site never shows
with

open_alerts as (
    select
        account_id, kind, severity, reason, playbook, raised_week_end,
        row_number() over (
            partition by account_id
            order by case severity when 'high' then 0 when 'medium' then 1 when 'low' then 2 else 3 end,
                     raised_week_end desc, kind
        )                                                               as alert_rank
    from alerts
    where is_open
),

per_account as (
    select
        account_id,
        count(*)::integer                                               as open_alerts,
        any_value(reason) filter (where alert_rank = 1)                 as reason,
        any_value(playbook) filter (where alert_rank = 1)               as playbook,
        any_value(severity) filter (where alert_rank = 1)               as severity,
        min(raised_week_end)                                            as first_raised_week_end,
        coalesce(list(split_part(reason, '; ', 1) order by alert_rank) filter (where alert_rank > 1), []) as other_reasons
    from open_alerts
    group by account_id
),

joined as (
    select
        a.account_id,
        a.account_name,
        a.arr,
        a.score,
        a.tier_group                                                    as tier,
        a.renewal_date,
        a.renewal_in_days,
        a.is_renewal_due,
        case when a.csm_owner like '%@%' then null else a.csm_owner end as owner,
        p.open_alerts,
        p.severity,
        p.reason,
        p.other_reasons,
        p.playbook,
        p.first_raised_week_end,
        a.arr * (100 - coalesce(a.score, 0)) / 100                      as arr_at_stake
    from per_account as p
    join site_portfolio_accounts as a using (account_id)
),

final as (
    select
        (row_number() over (order by is_renewal_due desc, arr_at_stake desc, arr desc, account_id))::integer as attention_rank,
        *
    from joined
)

select * from final order by attention_rank
