-- grain: expansion opportunity (account, last scored week)
-- key: account_id
-- params: the formula's `expansion` thresholds (src/expansion/expansion.ts)
-- expansion: one row per expansion opportunity: an account that is a customer in the last scored
-- week, has been one for at least $min_tenure_days (earlier growth is onboarding, not expansion),
-- scores at least $min_score, and shows at least one growth signal that week:
--   seats       licence utilisation (active users in 28 days / seats) >= $seat_utilisation
--   users       active users over 8 weeks changed by >= $active_users_growth
--   breadth     feature breadth over 8 weeks changed by >= $breadth_growth (share points)
--   plan        at least $min_plan_requests requests in the last $request_window_days days for
--               features whose min_plan is above the account's plan (plan order from the formula's
--               expansion.plans; plans not in that list are never compared), whatever their status:
--               declined or shipped, the feature still takes an upgrade. One such request is common
--               curiosity and an old one is stale; repeated recent asks are intent.
-- Potential ARR, the ranking key, is an estimate in two parts:
--   seats       extra seats x ARR per seat. Extra seats are those needed to bring utilisation back
--               to $seat_utilisation once active users grow for another 8 weeks by as many as in
--               the last 8 (no growth assumed when falling):
--               ceil((users + max(users - users 8 weeks ago, 0)) / threshold) - seats, at least 0
--   plan        with the plan signal, ARR x $plan_uplift per plan step up to the highest plan of the
--               requested features
-- Ties are broken by the number of signals, then ARR.
with

last_week as (
    select max(week_start) as week_start from int_calendar
),

accounts as (
    select w.account_id, w.week_start, w.week_end, w.as_of, w.plan, w.seats, w.arr, w.segment, a.account_name, a.csm_owner
    from int_account_weeks as w
    join last_week as l using (week_start)
    join stg_accounts as a using (account_id)
    where w.tenure_days >= $min_tenure_days
),

health as (
    select account_id, week_start, score, tier from int_health_scores
),

adoption as (
    select account_id, week_start, licence_utilisation, active_users_trend_8w, breadth_trend_8w, active_users_4w from measures_adoption
),

plans as (
    select plan, position from formula_plans
),

recent_requests as (
    select
        a.account_id,
        r.feature,
        f.min_plan,
        p.position                                                      as min_plan_position
    from accounts as a
    join stg_feature_requests as r
        on r.account_id = a.account_id
       and r.requested_at < a.as_of
       and r.requested_at >= a.as_of - to_days($request_window_days::integer)
    join stg_features as f on f.feature = r.feature
    join plans as p on p.plan = f.min_plan
),

higher_plan as (
    select
        a.account_id,
        count(*)::integer                                               as higher_plan_requests,
        list(distinct o.feature order by o.feature)                     as requested_features,
        arg_max(o.min_plan, o.min_plan_position)                        as target_plan,
        max(o.min_plan_position) - any_value(p.position)                as plan_steps
    from accounts as a
    join plans as p on p.plan = a.plan
    join recent_requests as o on o.account_id = a.account_id and o.min_plan_position > p.position
    group by a.account_id
),

candidates as (
    select
        a.*,
        h.score,
        h.tier,
        d.licence_utilisation,
        d.active_users_trend_8w,
        d.breadth_trend_8w,
        d.active_users_4w                                               as active_users,
        coalesce(q.higher_plan_requests, 0)                             as higher_plan_requests,
        coalesce(q.requested_features, [])                              as requested_features,
        q.target_plan,
        coalesce(q.plan_steps, 0)                                       as plan_steps,
        d.licence_utilisation >= $seat_utilisation - 1e-9               as has_seats,
        d.active_users_trend_8w >= $active_users_growth - 1e-9          as has_users,
        d.breadth_trend_8w >= $breadth_growth - 1e-9                    as has_breadth,
        coalesce(q.higher_plan_requests, 0) >= $min_plan_requests       as has_plan
    from accounts as a
    join health as h using (account_id, week_start)
    left join adoption as d using (account_id, week_start)
    left join higher_plan as q using (account_id)
    where h.score >= $min_score
),

estimated as (
    select
        *,
        list_filter([
            case when has_seats then format('{} of {} seats used ({})', active_users, seats, fmt_percent(licence_utilisation)) end,
            case when has_users then format('active users {} over 8 weeks', fmt_change(active_users_trend_8w)) end,
            case when has_breadth then format('feature breadth {}{} points over 8 weeks', case when breadth_trend_8w >= 0 then '+' else '' end, fmt_number(breadth_trend_8w * 100, 0)) end,
            case when has_plan then format('{} request{} for {} features in the last {} days: {}', higher_plan_requests, case when higher_plan_requests = 1 then '' else 's' end, target_plan,
                                           $request_window_days::integer, array_to_string(requested_features, ', ')) end
        ], s -> s is not null)                                          as signals,
        case when seats > 0 then
            greatest(ceil((active_users + greatest(active_users - active_users / (1 + coalesce(active_users_trend_8w, 0)), 0)) / $seat_utilisation - 1e-9) - seats, 0)
        else 0 end::integer                                             as extra_seats
    from candidates
    where has_seats or has_users or has_breadth or has_plan
),

final as (
    select
        row_number() over (order by potential_arr desc, len(signals) desc, arr desc, account_id)::integer as rank,
        account_id,
        account_name,
        segment,
        plan,
        csm_owner,
        arr,
        seats,
        active_users,
        score,
        tier,
        licence_utilisation,
        active_users_trend_8w,
        breadth_trend_8w,
        higher_plan_requests,
        requested_features,
        target_plan,
        signals,
        extra_seats,
        seat_potential_arr,
        plan_potential_arr,
        potential_arr,
        week_end,
        i.formula_hash
    from (
        select
            *,
            case when seats > 0 then extra_seats * arr / seats else 0 end as seat_potential_arr,
            case when has_plan then arr * $plan_uplift * plan_steps else 0 end as plan_potential_arr,
            seat_potential_arr + plan_potential_arr                      as potential_arr
        from estimated
    )
    cross join formula_info as i
)

select * from final
