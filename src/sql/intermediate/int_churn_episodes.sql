-- grain: churn episode
-- key: account_id, churned_at
-- stage: ingest
-- int_churn_episodes: one row per churn episode of an account: when it left (churned_at), when it
-- came back (reactivated_at; null while it is gone), why, and where the episode was read from.
-- Key (account_id, churned_at); episode_number counts an account's episodes from 1.
-- Sources, per account, the first that has any episode for it:
--   1. churn_events, one row per episode;
--   2. subscription_changes: a change of kind churn starts an episode (the first of a run of them),
--      the account's next change of another kind (reactivation, new, renewal...) ends it;
--   3. accounts.churned_at: the one-episode case, never reactivated.
-- An account is out of the book from churned_at until reactivated_at: the weekly spine skips those
-- weeks and the backtest labels each week with the next churn after it.
with

events as (
    select account_id, churned_at, reactivated_at, reason, 'churn_events' as source, 1 as priority
    from stg_churn_events
),

changes as (
    select
        account_id,
        changed_at,
        kind,
        lag(kind) over by_time                                          as previous_kind,
        min(case when kind <> 'churn' then changed_at end) over (by_time rows between 1 following and unbounded following) as next_other_at
    from stg_subscription_changes
    window by_time as (partition by account_id order by changed_at, change_id)
),

subscription_churns as (
    select account_id, changed_at as churned_at, next_other_at as reactivated_at, cast(null as varchar) as reason,
        'subscription_changes' as source, 2 as priority
    from changes
    where kind = 'churn' and previous_kind is distinct from 'churn'
),

account_churns as (
    select account_id, churned_at, cast(null as timestamp) as reactivated_at, churn_reason as reason,
        'accounts' as source, 3 as priority
    from stg_accounts
    where churned_at is not null
),

all_sources as (
    select * from events
    union all
    select * from subscription_churns
    union all
    select * from account_churns
),

chosen as (
    select * from all_sources
    qualify priority = min(priority) over (partition by account_id)
),

final as (
    select
        account_id,
        (row_number() over (partition by account_id order by churned_at))::integer as episode_number,
        churned_at,
        reactivated_at,
        reason,
        source
    from chosen
)

select * from final
order by account_id, churned_at
