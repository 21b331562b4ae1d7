-- grain: account, scored week while a customer
-- key: account_id, week_start
-- int_account_weeks: one row per account per scored week while it was a customer: the contract had
-- started by the week's end and as_of falls in none of its churn episodes (int_churn_episodes: gone
-- from churned_at until reactivated_at, so a customer that returns is scored again). Seats, plan and ARR are
-- as of that moment (subscription history), falling back to today's values without history.
-- has_person_usage is false once the account has used the product but none of that use so far
-- names a contact (account-level usage): its per-person measures then have no data, not 0.
with

accounts as (
    select * from stg_accounts
),

subscriptions as (
    select account_id, changed_at, seats, plan, arr from stg_subscription_changes
),

spine as (
    select
        a.account_id,
        c.week_start,
        c.week_end,
        c.as_of,
        c.week_number,
        a.segment,
        a.contract_start_date
    from accounts as a
    join int_calendar as c
        on a.contract_start_date < c.week_start + 7
    where not exists (
        select 1 from int_churn_episodes as e
        where e.account_id = a.account_id
          and e.churned_at < c.as_of
          and (e.reactivated_at is null or e.reactivated_at >= c.as_of)
    )
),

with_subscription as (
    select
        s.*,
        sub.seats       as seats_then,
        sub.plan        as plan_then,
        sub.arr         as arr_then
    from spine as s
    asof left join subscriptions as sub
        on sub.account_id = s.account_id
       and s.as_of > sub.changed_at
),

activity as (
    select account_id, week_start, event_count, active_users from int_account_activity_weekly
),

final as (
    select
        w.account_id,
        w.week_start,
        w.week_end,
        w.as_of,
        w.week_number,
        w.segment,
        coalesce(w.plan_then, a.plan)                                   as plan,
        coalesce(w.seats_then, a.seats_purchased)                       as seats,
        coalesce(w.arr_then, a.arr)                                     as arr,
        date_diff('day', w.contract_start_date, cast(w.as_of as date))  as tenure_days,
        -- 1 for the account's first scored week: trend windows need this many weeks behind them
        (row_number() over (partition by w.account_id order by w.week_start))::integer as week_index,
        coalesce(sum(u.active_users) over to_date, 0) > 0
            or coalesce(sum(u.event_count) over to_date, 0) = 0         as has_person_usage
    from with_subscription as w
    join accounts as a on a.account_id = w.account_id
    left join activity as u on u.account_id = w.account_id and u.week_start = w.week_start
    window to_date as (partition by w.account_id order by w.week_start rows between unbounded preceding and current row)
)

select * from final
