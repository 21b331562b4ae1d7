-- grain: account, scored week
-- key: account_id, week_start
-- measures_sentiment: one row per account-week. NPS over the last 365 days (latest answer, score,
-- detractor share); CSAT (surveys and closed tickets) and CES over the last 180 days.
with

weeks as (
    select account_id, week_start, as_of from int_account_weeks
),

nps_answers as (
    select account_id, responded_at, nps from stg_survey_responses where nps is not null
),

csat_answers as (
    select account_id, responded_at as answered_at, csat from stg_survey_responses where csat is not null
    union all
    select account_id, closed_at as answered_at, csat_score as csat from stg_support_tickets
    where csat_score is not null and closed_at is not null
),

ces_answers as (
    select account_id, responded_at, ces from stg_survey_responses where ces is not null
),

nps as (
    select
        w.account_id,
        w.week_start,
        arg_max(a.nps, a.responded_at)                                  as nps_latest,
        100.0 * (count(*) filter (where a.nps >= 9) - count(*) filter (where a.nps <= 6)) / count(*) as nps_trailing,
        count(*) filter (where a.nps <= 6) / count(*)                   as detractor_share
    from weeks as w
    join nps_answers as a
        on a.account_id = w.account_id
       and a.responded_at < w.as_of
       and a.responded_at >= w.as_of - interval 365 day
    group by w.account_id, w.week_start
),

csat as (
    select w.account_id, w.week_start, avg(a.csat) as csat_trailing
    from weeks as w
    join csat_answers as a
        on a.account_id = w.account_id
       and a.answered_at < w.as_of
       and a.answered_at >= w.as_of - interval 180 day
    group by w.account_id, w.week_start
),

ces as (
    select w.account_id, w.week_start, avg(a.ces) as ces_trailing
    from weeks as w
    join ces_answers as a
        on a.account_id = w.account_id
       and a.responded_at < w.as_of
       and a.responded_at >= w.as_of - interval 180 day
    group by w.account_id, w.week_start
),

final as (
    select
        w.account_id,
        w.week_start,
        n.nps_latest::double                                            as nps_latest,
        n.nps_trailing                                                  as nps_trailing,
        n.detractor_share                                               as detractor_share,
        c.csat_trailing                                                 as csat_trailing,
        e.ces_trailing                                                  as ces_trailing
    from weeks as w
    left join nps as n using (account_id, week_start)
    left join csat as c using (account_id, week_start)
    left join ces as e using (account_id, week_start)
)

select * from final
