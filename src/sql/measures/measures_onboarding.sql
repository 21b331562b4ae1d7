-- grain: account, scored week
-- key: account_id, week_start
-- measures_onboarding: one row per account-week, for the latest onboarding project kicked off
-- before the week's end. Status and days past target apply while the project is open; time to
-- value (against the segment's median among projects already live, int_ttv_norms) for a year after kick-off.
with

weeks as (
    select account_id, week_start, as_of, segment from int_account_weeks
),

projects as (
    select project_id, account_id, started_at, target_go_live_date, go_live_at from stg_onboarding_projects
),

current_project as (
    select w.*, p.project_id, p.started_at, p.target_go_live_date, p.go_live_at
    from weeks as w
    asof join projects as p
        on p.account_id = w.account_id
       and w.as_of > p.started_at
),

with_status as (
    select c.*, s.status
    from current_project as c
    asof left join stg_onboarding_status_updates as s
        on s.project_id = c.project_id
       and c.as_of > s.updated_at
),

final as (
    select
        w.account_id,
        w.week_start,
        case when w.go_live_at is null or w.go_live_at >= w.as_of then
            case w.status when 'green' then 2.0 when 'yellow' then 1.0 when 'red' then 0.0 end
        end                                                             as onboarding_status,
        case when w.go_live_at is null or w.go_live_at >= w.as_of then
            greatest(0, date_diff('day', w.target_go_live_date, cast(w.as_of as date)))::double
        end                                                             as days_past_go_live_target,
        case when w.started_at >= w.as_of - interval 365 day then
            date_diff('day', w.started_at, case when w.go_live_at < w.as_of then w.go_live_at else w.as_of end)
            / nullif(n.ttv_norm_days, 0)
        end                                                             as time_to_value_ratio
    from with_status as w
    left join int_ttv_norms as n on n.week_start = w.week_start and n.segment = w.segment
)

select
    w.account_id,
    w.week_start,
    f.onboarding_status,
    f.days_past_go_live_target,
    f.time_to_value_ratio
from weeks as w
left join final as f using (account_id, week_start)
