-- grain: account, scored week
-- key: account_id, week_start
-- int_renewal_weeks: one row per account per scored week: the next renewal as it was known then.
-- The export's renewal_date is today's value (look-ahead for past weeks), so renewals are taken as
-- the anniversaries of contract_start_date: the first one on or after the week's as_of date.
with

weeks as (
    select account_id, week_start, cast(as_of as date) as seen_on from int_account_weeks
),

accounts as (
    select account_id, contract_start_date from stg_accounts
),

candidates as (
    select
        w.account_id,
        w.week_start,
        w.seen_on,
        a.contract_start_date,
        -- the anniversary in the as_of year (Feb 29 falls on Feb 28 in other years)
        year(w.seen_on) - year(a.contract_start_date)                   as years
    from weeks as w
    join accounts as a using (account_id)
),

final as (
    select
        account_id,
        week_start,
        case
            when cast(contract_start_date + to_years(years) as date) >= seen_on then cast(contract_start_date + to_years(years) as date)
            else cast(contract_start_date + to_years(years + 1) as date)
        end                                                             as renewal_date,
        date_diff('day', seen_on, renewal_date)::integer               as days_to_renewal
    from candidates
)

select * from final
