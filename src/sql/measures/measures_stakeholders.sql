-- grain: account, scored week
-- key: account_id, week_start
-- measures_stakeholders: one row per account-week. Champion and executive sponsor present and
-- active, key contacts now and lost in the last 90 days. Days since a key person was active have no
-- data while the account's use so far names no contact (account-level usage).
with

weeks as (
    select account_id, week_start, as_of, has_person_usage from int_account_weeks
),

people as (
    select account_id, week_start, role, is_key, days_since_active from int_contact_weeks
),

present as (
    select
        account_id,
        week_start,
        count(*) filter (where role = 'champion')                       as champions,
        min(days_since_active) filter (where role = 'champion')         as champion_inactive_days,
        count(*) filter (where role = 'executive_sponsor')              as sponsors,
        min(days_since_active) filter (where role = 'executive_sponsor') as sponsor_inactive_days,
        count(*) filter (where is_key)                                  as key_contacts
    from people
    group by account_id, week_start
),

lost as (
    select w.account_id, w.week_start, count(*) as key_contacts_lost
    from weeks as w
    join stg_contacts as c
        on c.account_id = w.account_id
       and c.is_key
       and c.left_at < w.as_of
       and c.left_at >= w.as_of - interval 90 day
    group by w.account_id, w.week_start
),

final as (
    select
        w.account_id,
        w.week_start,
        (coalesce(p.champions, 0) > 0)::double                          as champion_present,
        case when w.has_person_usage then p.champion_inactive_days::double end as champion_inactive_days,
        (coalesce(p.sponsors, 0) > 0)::double                           as sponsor_present,
        case when w.has_person_usage then p.sponsor_inactive_days::double end as sponsor_inactive_days,
        coalesce(p.key_contacts, 0)::double                             as key_contacts,
        coalesce(l.key_contacts_lost, 0)::double                        as key_contacts_lost_90d
    from weeks as w
    left join present as p using (account_id, week_start)
    left join lost as l using (account_id, week_start)
)

select * from final
