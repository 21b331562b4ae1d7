-- grain: survey answer
-- site_surveys: one row per survey answer, for the account pages (NPS against usage).
-- The respondent is named by role only, and e-mail addresses in comments are masked: the site
-- is published and contact e-mails never appear in it.
with

responses as (
    select * from stg_survey_responses
),

contacts as (
    select contact_id, role from stg_contacts
),

final as (
    select
        r.account_id,
        r.response_id,
        r.responded_at,
        r.nps,
        r.csat,
        r.ces,
        c.role                                                              as respondent_role,
        regexp_replace(r.comment, '[^\s@<>()]+@[^\s@<>()]+', '[e-mail removed]', 'g') as comment
    from responses as r
    left join contacts as c on c.contact_id = r.contact_id
    where r.account_id is not null and r.responded_at is not null
)

select * from final order by account_id, responded_at, response_id
