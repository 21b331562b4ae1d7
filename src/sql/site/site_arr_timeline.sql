-- site_arr_timeline: each account's ARR history as the instants at which it may change (the contract
-- start, every subscription change, every churn and return), with the ARR from that instant on.
-- grain: one row per account and instant (changed_at)
-- key: account_id, changed_at
-- ARR as of an instant t is the arr of the account's last row strictly before t (no row: 0), the
-- rule int_account_weeks scores each week with: 0 before the contract starts and while a churn
-- episode (int_churn_episodes) has the account gone; else the ARR after the last subscription
-- change, else the accounts export's arr (a book without subscription history). arr_before is the
-- ARR just before the instant; kinds says what happened then (contract_start, churn, reactivation
-- and the subscription change kinds: new, renewal, expansion, contraction, plan_change).
-- A site extract: built by the engine run (it reads staged exports), read by the site's loaders.
with

accounts as (
    select account_id, arr, cast(contract_start_date as timestamp) as started_at from stg_accounts
),

changes as (
    select account_id, changed_at, kind, arr from stg_subscription_changes
),

episodes as (
    select account_id, churned_at, reactivated_at from int_churn_episodes
),

happenings as (
    select account_id, started_at as changed_at, 'contract_start' as kind from accounts where started_at is not null
    union all
    select account_id, changed_at, kind from changes
    union all
    select account_id, churned_at, 'churn' from episodes
    union all
    select account_id, reactivated_at, 'reactivation' from episodes where reactivated_at is not null
),

instants as (
    select account_id, changed_at, list(distinct kind order by kind) as kinds
    from happenings
    group by account_id, changed_at
),

-- the subscription in force from the instant on: the last change at or before it
with_subscription as (
    select i.account_id, i.changed_at, i.kinds, c.arr as subscription_arr
    from instants as i
    asof left join changes as c
        on c.account_id = i.account_id
       and i.changed_at >= c.changed_at
),

gone as (
    select distinct w.account_id, w.changed_at
    from with_subscription as w
    join episodes as e
        on e.account_id = w.account_id
       and e.churned_at <= w.changed_at
       and (e.reactivated_at is null or e.reactivated_at > w.changed_at)
),

valued as (
    select
        w.account_id,
        w.changed_at,
        w.kinds,
        case
            when a.started_at is null or w.changed_at < a.started_at then 0
            when g.account_id is not null then 0
            else coalesce(w.subscription_arr, a.arr, 0)
        end::double                                                     as arr
    from with_subscription as w
    join accounts as a using (account_id)
    left join gone as g using (account_id, changed_at)
),

final as (
    select
        account_id,
        changed_at,
        kinds,
        coalesce(lag(arr) over (partition by account_id order by changed_at), 0)::double as arr_before,
        arr
    from valued
)

select * from final order by account_id, changed_at
