-- grain: account, scored week
-- key: account_id, week_start
-- measures_external: one row per account-week. Risk events outside CS's control, severity-weighted
-- (low 1, medium 2, high 3): M&A, regulation and layoffs over 180 days; bankruptcy over 365.
with

weeks as (
    select account_id, week_start, as_of from int_account_weeks
),

events as (
    select
        account_id, occurred_at, kind,
        case severity when 'high' then 3.0 when 'medium' then 2.0 else 1.0 end as severity_weight
    from stg_external_risk_events
),

windowed as (
    select
        w.account_id,
        w.week_start,
        sum(e.severity_weight) filter (where e.kind = 'merger_acquisition' and e.occurred_at >= w.as_of - interval 180 day) as merger_acquisition_180d,
        count(*) filter (where e.kind = 'bankruptcy')                   as bankruptcy_365d,
        sum(e.severity_weight) filter (where e.kind = 'regulatory_change' and e.occurred_at >= w.as_of - interval 180 day) as regulatory_change_180d,
        sum(e.severity_weight) filter (where e.kind = 'layoffs' and e.occurred_at >= w.as_of - interval 180 day) as layoffs_180d
    from weeks as w
    join events as e
        on e.account_id = w.account_id
       and e.occurred_at < w.as_of
       and e.occurred_at >= w.as_of - interval 365 day
    group by w.account_id, w.week_start
),

final as (
    select
        w.account_id,
        w.week_start,
        coalesce(x.merger_acquisition_180d, 0)                          as merger_acquisition_180d,
        coalesce(x.bankruptcy_365d, 0)::double                          as bankruptcy_365d,
        coalesce(x.regulatory_change_180d, 0)                           as regulatory_change_180d,
        coalesce(x.layoffs_180d, 0)                                     as layoffs_180d
    from weeks as w
    left join windowed as x using (account_id, week_start)
)

select * from final
