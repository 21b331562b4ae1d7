-- grain: account, week with a key person
-- key: account_id, week_start
-- int_key_people_weekly: one row per account-week with a champion or an executive sponsor present:
-- the name of the most recently active of each role (whom an inactivity alert refers to). Kept
-- so that later stages need not keep the per-contact weekly history, the engine's largest table.
select
    p.account_id,
    p.week_start,
    arg_min(coalesce(c.full_name, p.contact_id), {'days': p.days_since_active, 'id': p.contact_id}) filter (where p.role = 'champion') as champion_name,
    arg_min(coalesce(c.full_name, p.contact_id), {'days': p.days_since_active, 'id': p.contact_id}) filter (where p.role = 'executive_sponsor') as sponsor_name
from int_contact_weeks as p
join stg_contacts as c using (contact_id)
where p.role in ('champion', 'executive_sponsor')
group by p.account_id, p.week_start
