-- grain: account, scored week
-- key: account_id, week_start
-- measures_requests: one row per account-week. Feature requests open at the week's end: critical
-- ones (high counts half), features asked for twice or more in the last 365 days, mean age.
with

weeks as (
    select account_id, week_start, as_of from int_account_weeks
),

requests as (
    select account_id, feature, priority, requested_at, shipped_at, declined_at from stg_feature_requests
),

known as (
    select
        w.account_id,
        w.week_start,
        w.as_of,
        r.feature,
        r.priority,
        r.requested_at,
        (r.shipped_at is null or r.shipped_at >= w.as_of) and (r.declined_at is null or r.declined_at >= w.as_of) as is_open
    from weeks as w
    join requests as r
        on r.account_id = w.account_id
       and r.requested_at < w.as_of
),

open_requests as (
    select
        account_id,
        week_start,
        sum(case priority when 'critical' then 1.0 when 'high' then 0.5 else 0 end) as open_critical_requests,
        avg(date_diff('day', requested_at, as_of))                      as open_request_age_days
    from known
    where is_open
    group by account_id, week_start
),

repeated as (
    select account_id, week_start, count(*) as repeated_requests
    from (
        select account_id, week_start, feature
        from known
        where requested_at >= as_of - interval 365 day
        group by account_id, week_start, feature
        having count(*) >= 2 and bool_or(is_open)
    )
    group by account_id, week_start
),

final as (
    select
        w.account_id,
        w.week_start,
        coalesce(o.open_critical_requests, 0)                           as open_critical_requests,
        coalesce(r.repeated_requests, 0)::double                        as repeated_requests,
        coalesce(o.open_request_age_days, 0)::double                    as open_request_age_days
    from weeks as w
    left join open_requests as o using (account_id, week_start)
    left join repeated as r using (account_id, week_start)
)

select * from final
