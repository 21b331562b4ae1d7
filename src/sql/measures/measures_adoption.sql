-- grain: account, scored week
-- key: account_id, week_start
-- measures_adoption: one row per account-week. Licence utilisation, breadth, depth, user health
-- per seat, training; volume, recency and frequency of use (levels that mean the same on a sparse
-- or a daily product once scored against the book); and the leading indicators: usage and
-- active-user trends, and usage against the account's own baseline.
-- A trend compares the last N weeks with the N before (the 2-week trend: with the 8 before) and
-- needs that much of the account's history and at least one event a week on average in the
-- earlier period; otherwise it has no data.
-- Per-person measures have no data while the account's use so far names no contact.
with

weeks as (
    select account_id, week_start, as_of, seats, week_index, tenure_days, has_person_usage from int_account_weeks
),

activity as (
    select
        w.*,
        coalesce(a.event_count, 0)                                      as events,
        coalesce(a.feature_mask, 0::ubigint)                            as feature_mask
    from weeks as w
    left join int_account_activity_weekly as a using (account_id, week_start)
),

windows as (
    select
        *,
        sum(events) over (by_week rows between 1 preceding and current row)    as events_2w,
        sum(events) over (by_week rows between 9 preceding and 2 preceding)     as events_prev_2w_8w,
        sum(events) over (by_week rows between 3 preceding and current row)    as events_4w,
        sum(events) over (by_week rows between 7 preceding and 4 preceding)     as events_prev_4w,
        sum(events) over (by_week rows between 7 preceding and current row)     as events_8w,
        sum(events) over (by_week rows between 15 preceding and 8 preceding)    as events_prev_8w,
        sum(events) over (by_week rows between 12 preceding and current row)    as events_13w,
        sum(events) over (by_week rows between 25 preceding and 13 preceding)   as events_prev_13w,
        sum(events) over (by_week rows between 29 preceding and 4 preceding)   as events_baseline,
        count(*) over (by_week rows between 29 preceding and 4 preceding)      as weeks_baseline,
        count(*) filter (where events > 0) over (by_week rows between 12 preceding and current row) as active_weeks_13w,
        count(*) over (by_week rows between 12 preceding and current row)      as weeks_13w,
        max(case when events > 0 then week_index end) over (by_week rows between unbounded preceding and current row) as last_active_week_index,
        bit_or(feature_mask) over (by_week rows between 3 preceding and current row) as feature_mask_4w
    from activity
    window by_week as (partition by account_id order by week_start)
),

trainings as (
    select contact_id, min(completed_at) as first_completed_at
    from stg_trainings
    group by contact_id
),

users as (
    select
        p.account_id,
        p.week_start,
        count(*)                                                        as contacts,
        count(*) filter (where p.active_days_28d > 0)                   as active_users_4w,
        exact_sum(p.user_score)                                         as user_score_sum,
        count(*) filter (where t.first_completed_at < p.as_of)          as trained_contacts
    from int_contact_weeks as p
    left join trainings as t on t.contact_id = p.contact_id
    group by p.account_id, p.week_start
),

combined as (
    select
        w.*,
        coalesce(u.contacts, 0)                                         as contacts,
        coalesce(u.active_users_4w, 0)                                  as active_users_4w,
        coalesce(u.user_score_sum, 0)                                   as user_score_sum,
        coalesce(u.trained_contacts, 0)                                 as trained_contacts,
        case when k.core_count > 0 then bit_count(w.feature_mask_4w & k.core_mask) / k.core_count end as breadth
    from windows as w
    left join users as u using (account_id, week_start)
    join int_core_features_weekly as k using (week_start)
),

per_account as (
    select
        account_id,
        week_start,
        case when seats > 0 then active_users_4w / seats end            as licence_utilisation,
        breadth                                                         as feature_breadth,
        case when active_users_4w > 0 then events_4w / active_users_4w / 4.0 else 0 end as usage_depth,
        case when greatest(seats, contacts) > 0 then user_score_sum / greatest(seats, contacts) end as user_health_avg,
        case when contacts > 0 then trained_contacts / contacts end     as training_completion,
        events_4w / 4.0                                                 as usage_volume_4w,
        case when seats > 0 then events_4w / 4.0 / seats end            as usage_per_seat_4w,
        -- never active: count from the first scored week (or the contract start, if later)
        coalesce(week_index - last_active_week_index, least(ceil(tenure_days / 7.0), week_index))::double as weeks_since_last_activity,
        case when weeks_13w >= 4 then active_weeks_13w / weeks_13w end  as active_weeks_13w,
        -- the fastest signal: the last 2 weeks' weekly rate against the 8 weeks before them
        case when week_index >= 10 and events_prev_2w_8w >= 8 then (events_2w / 2.0) / (events_prev_2w_8w / 8.0) - 1 end as usage_trend_2w,
        case when week_index >= 8 and events_prev_4w >= 4 then events_4w / events_prev_4w - 1 end as usage_trend_4w,
        case when week_index >= 16 and events_prev_8w >= 8 then events_8w / events_prev_8w - 1 end as usage_trend_8w,
        case when week_index >= 26 and events_prev_13w >= 13 then events_13w / events_prev_13w - 1 end as usage_trend_13w,
        -- 8 weeks of baseline and 8 events in it at least: sparse products keep a baseline
        case when weeks_baseline >= 8 and events_baseline >= 8
             then (events_4w / 4.0) / (events_baseline / weeks_baseline) - 1 end as usage_vs_baseline_26w,
        case when week_index > 8 and lag(active_users_4w, 8) over by_week > 0
             then active_users_4w / lag(active_users_4w, 8) over by_week - 1 end as active_users_trend_8w,
        case when week_index > 8 then breadth - lag(breadth, 8) over by_week end as breadth_trend_8w,
        active_users_4w,
        seats,
        has_person_usage
    from combined
    window by_week as (partition by account_id order by week_start)
),

final as (
    select
        account_id,
        week_start,
        -- per person: no data while the account's use names nobody
        case when has_person_usage then licence_utilisation end        as licence_utilisation,
        feature_breadth,
        case when has_person_usage then usage_depth end                 as usage_depth,
        case when has_person_usage then user_health_avg end             as user_health_avg,
        training_completion,
        usage_volume_4w,
        usage_per_seat_4w,
        weeks_since_last_activity,
        active_weeks_13w,
        usage_trend_2w,
        usage_trend_4w,
        usage_trend_8w,
        usage_trend_13w,
        usage_vs_baseline_26w,
        case when has_person_usage then active_users_trend_8w end       as active_users_trend_8w,
        breadth_trend_8w,
        -- a measure, and context for alerts and expansion
        case when has_person_usage then active_users_4w end             as active_users_4w,
        seats
    from per_account
)

select * from final
