-- grain: contact, scored week while present
-- key: contact_id, week_start
-- lifetime: batch
-- int_contact_weeks: one row per contact per scored week of their account while they were present
-- (joined before as_of, not yet left), with their last-28-days activity and their user health
-- (recency, frequency and breadth scored by the formula's user_health section).
with

history as (
    select min(week_start) as first_week from int_calendar
),

grid as (
    select w.account_id, w.week_start, w.week_number, w.as_of, c.contact_id, c.role, c.is_key, c.joined_at
    from int_account_weeks as w
    join stg_contacts as c on c.account_id = w.account_id
    where c.joined_at < w.as_of
      and (c.left_at is null or c.left_at >= w.as_of)
),

activity as (
    select
        g.*,
        coalesce(a.active_days, 0)                                      as active_days,
        coalesce(a.event_count, 0)                                      as event_count,
        coalesce(a.feature_mask, 0::ubigint)                            as feature_mask,
        a.last_active_at
    from grid as g
    left join int_contact_activity_weekly as a
        on a.contact_id = g.contact_id and a.week_start = g.week_start
),

windowed as (
    select
        *,
        sum(active_days) over last_4_weeks                              as active_days_28d,
        sum(event_count) over last_4_weeks                              as events_28d,
        bit_or(feature_mask) over last_4_weeks                          as feature_mask_28d,
        max(last_active_at) over to_date                                as last_active_at_to_date
    from activity
    window
        -- both frames order by the integer week number, so one sort serves them
        last_4_weeks as (partition by contact_id order by week_number range between 3 preceding and current row),
        to_date as (partition by contact_id order by week_number rows between unbounded preceding and current row)
),

measured as (
    select
        w.*,
        -- never active in the history: count from joining (or from the start of the data)
        date_diff('day', coalesce(w.last_active_at_to_date, greatest(w.joined_at, cast(h.first_week as timestamp))), w.as_of) as days_since_active,
        coalesce(bit_count(w.feature_mask_28d & k.core_mask) / nullif(k.core_count, 0), 0) as breadth_28d
    from windowed as w
    cross join history as h
    join int_core_features_weekly as k on k.week_start = w.week_start
),

segmented as (
    select
        m.*,
        r.map                                                           as recency_map,
        f.map                                                           as frequency_map,
        b.map                                                           as breadth_map,
        -- each value's segment of its map, found once (score_in_segment in functions.sql)
        map_segment(m.days_since_active, r.map.los)                     as recency_segment,
        map_segment(m.active_days_28d, f.map.los)                       as frequency_segment,
        map_segment(m.breadth_28d, b.map.los)                           as breadth_segment
    from measured as m
    cross join (select map from formula_score_maps where key = 'user:recency') as r
    cross join (select map from formula_score_maps where key = 'user:frequency') as f
    cross join (select map from formula_score_maps where key = 'user:breadth') as b
),

scored as (
    select
        s.*,
        score_in_segment(s.days_since_active, s.recency_map, s.recency_segment) as recency_score,
        score_in_segment(s.active_days_28d, s.frequency_map, s.frequency_segment) as frequency_score,
        score_in_segment(s.breadth_28d, s.breadth_map, s.breadth_segment) as breadth_score
    from segmented as s
),

final as (
    select
        s.account_id,
        s.contact_id,
        s.week_start,
        s.as_of,
        s.role,
        s.is_key,
        s.last_active_at_to_date                                        as last_active_at,
        s.days_since_active::integer                                    as days_since_active,
        s.active_days_28d::integer                                      as active_days_28d,
        s.events_28d::integer                                           as events_28d,
        s.breadth_28d,
        s.recency_score,
        s.frequency_score,
        s.breadth_score,
        (u.recency * s.recency_score + u.frequency * s.frequency_score + u.breadth * s.breadth_score) / 100.0 as user_score
    from scored as s
    cross join formula_user_weights as u
)

select * from final
