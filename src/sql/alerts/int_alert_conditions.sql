-- grain: account, scored week, alert kind whose condition holds
-- key: account_id, week_start, kind
-- params: the formula's `alerts` thresholds (src/alerts/alerts.ts)
-- int_alert_conditions: one row per account, scored week and alert kind whose condition holds that
-- week, with its severity, its reason in words and the measures behind it. Every condition reads
-- only that week's values (facts before its as_of), so the whole history of alerts replays.
-- Thresholds come from the formula's `alerts` section as parameters. Comparisons of doubles allow
-- 1e-9 for rounding, so a drop of exactly the threshold counts.
--
-- Severity:
--   score_drop     high when the drop is at least twice the threshold or the account is now in the
--                  worst tier; else medium
--   tier_down      high when the account fell into the worst tier; else medium
--   key_person     high when a role has nobody left (the last champion or sponsor left) or both
--                  roles are affected; else medium
--   divergence     high when usage fell by at least twice the threshold; else medium
--   p0_opened      high
--   renewal_risk   high in the worst tier; else medium
--   external_risk  the highest severity of the week's events (high, medium, low)
with

scores as (
    select h.account_id, h.week_start, h.week_end, h.week_index, h.score, h.tier, h.tier_rank, t.label as tier_label
    from int_health_scores as h
    left join formula_tiers as t on t.tier_id = h.tier
),

worst_tier as (
    select max(position) as tier_rank from formula_tiers
),

catalogue as (
    select measure_id, label, unit from measure_catalogue
),

-- score_drop: the highest score of the previous W weeks (the latest such week on ties)
score_windows as (
    select
        *,
        max({'score': score, 'week_index': week_index, 'week_start': week_start}) filter (where score is not null)
            over (partition by account_id order by week_index rows between $drop_weeks preceding and 1 preceding) as peak
    from scores
),

score_drop as (
    select
        s.account_id,
        s.week_start,
        'score_drop'                                                    as kind,
        case when s.peak.score - s.score >= 2 * $drop_points - 1e-9 or s.tier_rank = w.tier_rank then 'high' else 'medium' end as severity,
        format('score {} in {}', fmt_scores(s.peak.score, s.score), fmt_weeks(s.week_index - s.peak.week_index)) as reason,
        []::varchar[]                                                   as drivers,
        s.peak.week_start                                               as ref_week_start,
        s.peak.score                                                    as score_before
    from score_windows as s
    cross join worst_tier as w
    where s.score is not null and s.peak.score - s.score >= $drop_points - 1e-9
),

-- tier_down: the best tier of the previous W weeks (the latest such week on ties); the score must
-- also have fallen by $tier_min_points since then, so a tiny move across a boundary is not news
tier_windows as (
    select
        *,
        min({'tier_rank': tier_rank, 'age': -week_index, 'week_start': week_start, 'tier_label': tier_label, 'score': score}) filter (where tier_rank is not null)
            over (partition by account_id order by week_index rows between $tier_weeks preceding and 1 preceding) as best
    from scores
),

tier_down as (
    select
        s.account_id,
        s.week_start,
        'tier_down'                                                     as kind,
        case when s.tier_rank = w.tier_rank then 'high' else 'medium' end as severity,
        format('tier {} -> {}, score {} in {}', s.best.tier_label, s.tier_label, fmt_scores(s.best.score, s.score),
               fmt_weeks(s.week_index + s.best.age)) as reason,
        []::varchar[]                                                   as drivers,
        s.best.week_start                                               as ref_week_start,
        s.best.score                                                    as score_before
    from tier_windows as s
    cross join worst_tier as w
    where s.tier_rank > s.best.tier_rank
      and s.best.score - s.score >= $tier_min_points - 1e-9
),

-- key_person: who each inactivity refers to (the most recently active of the role), and who left
stakeholders as (
    select account_id, week_start, champion_present, champion_inactive_days, sponsor_present, sponsor_inactive_days
    from measures_stakeholders
),

departures as (
    select
        w.account_id,
        w.week_start,
        max(c.left_at) filter (where c.role = 'champion')               as champion_left_at,
        max(c.left_at) filter (where c.role = 'executive_sponsor')      as sponsor_left_at
    from int_account_weeks as w
    join stg_contacts as c
        on c.account_id = w.account_id
       and c.role in ('champion', 'executive_sponsor')
       and c.left_at < w.as_of
    group by w.account_id, w.week_start
),

key_people as (
    select
        s.account_id,
        s.week_start,
        case
            when s.champion_present = 1 and s.champion_inactive_days >= $champion_days then 'inactive'
            when s.champion_present = 0 and d.champion_left_at is not null then 'gone'
        end                                                             as champion_issue,
        case
            when s.sponsor_present = 1 and s.sponsor_inactive_days >= $sponsor_days then 'inactive'
            when s.sponsor_present = 0 and d.sponsor_left_at is not null then 'gone'
        end                                                             as sponsor_issue,
        s.champion_inactive_days,
        s.sponsor_inactive_days,
        d.champion_left_at,
        d.sponsor_left_at,
        m.champion_name,
        m.sponsor_name
    from stakeholders as s
    left join departures as d using (account_id, week_start)
    left join int_key_people_weekly as m using (account_id, week_start)
),

key_person as (
    select
        account_id,
        week_start,
        'key_person'                                                    as kind,
        case when 'gone' in (champion_issue, sponsor_issue) or (champion_issue is not null and sponsor_issue is not null) then 'high' else 'medium' end as severity,
        concat_ws('; ',
            case champion_issue
                when 'inactive' then format('champion {} inactive {} days', champion_name, fmt_number(champion_inactive_days, 0))
                when 'gone' then format('no champion since the last one left on {}', strftime(champion_left_at, '%Y-%m-%d'))
            end,
            case sponsor_issue
                when 'inactive' then format('executive sponsor {} inactive {} days', sponsor_name, fmt_number(sponsor_inactive_days, 0))
                when 'gone' then format('no executive sponsor since the last one left on {}', strftime(sponsor_left_at, '%Y-%m-%d'))
            end
        )                                                               as reason,
        list_concat(
            case champion_issue when 'inactive' then ['champion_inactive_days'] when 'gone' then ['champion_present'] else [] end,
            case sponsor_issue when 'inactive' then ['sponsor_inactive_days'] when 'gone' then ['sponsor_present'] else [] end
        )::varchar[]                                                    as drivers,
        null::date                                                      as ref_week_start,
        null::double                                                    as score_before
    from key_people
    where champion_issue is not null or sponsor_issue is not null
),

-- divergence: a promoter whose usage fell
divergence as (
    select
        s.account_id,
        s.week_start,
        'divergence'                                                    as kind,
        case when t.raw_value <= -2 * $usage_drop + 1e-9 then 'high' else 'medium' end as severity,
        format('promoter (latest NPS {}) but {} {}', fmt_number(s.nps_latest, 0), lower(k.label), measure_text(t.raw_value, k.unit)) as reason,
        [$trend_measure, 'nps_latest']::varchar[]                       as drivers,
        null::date                                                      as ref_week_start,
        null::double                                                    as score_before
    from measures_sentiment as s
    join int_measure_values as t
        on t.account_id = s.account_id
       and t.week_start = s.week_start
       and t.measure_id = $trend_measure
    join catalogue as k on k.measure_id = $trend_measure
    where s.nps_latest >= $min_nps
      and t.raw_value <= -$usage_drop + 1e-9
),

-- p0_opened: P0 tickets opened during the week
p0_tickets as (
    select
        w.account_id,
        w.week_start,
        count(*)                                                        as tickets,
        string_agg(format('{} {} on {}', t.ticket_id, t.kind, strftime(t.opened_at, '%Y-%m-%d')), ', ' order by t.opened_at, t.ticket_id) as listed
    from int_account_weeks as w
    join stg_support_tickets as t
        on t.account_id = w.account_id
       and t.severity = 'P0'
       and t.opened_at >= cast(w.week_start as timestamp)
       and t.opened_at < w.as_of
    group by w.account_id, w.week_start
),

p0_opened as (
    select
        account_id,
        week_start,
        'p0_opened'                                                     as kind,
        'high'                                                          as severity,
        case when tickets = 1 then format('P0 ticket opened: {}', listed) else format('{} P0 tickets opened: {}', tickets, listed) end as reason,
        ['p0_last_30d']::varchar[]                                      as drivers,
        null::date                                                      as ref_week_start,
        null::double                                                    as score_before
    from p0_tickets
),

-- renewal_risk: renewal inside the window while in a renewal tier
renewal_risk as (
    select
        s.account_id,
        s.week_start,
        'renewal_risk'                                                  as kind,
        case when s.tier_rank = w.tier_rank then 'high' else 'medium' end as severity,
        format('renewal {} in {} days while {} (score {})', strftime(r.renewal_date, '%Y-%m-%d'), r.days_to_renewal, s.tier_label, fmt_number(s.score, 0)) as reason,
        []::varchar[]                                                   as drivers,
        null::date                                                      as ref_week_start,
        null::double                                                    as score_before
    from scores as s
    join int_renewal_weeks as r using (account_id, week_start)
    cross join worst_tier as w
    where r.days_to_renewal <= $renewal_days
      and list_contains($renewal_tiers, s.tier)
),

-- external_risk: risk events that became known during the week
risk_events as (
    select
        w.account_id,
        w.week_start,
        max(case e.severity when 'high' then 3 when 'medium' then 2 else 1 end) as severity_rank,
        string_agg(
            format('{} ({}) on {}{}', replace(e.kind, '_', ' '), e.severity, strftime(e.occurred_at, '%Y-%m-%d'), coalesce(': ' || e.description, '')),
            '; ' order by e.occurred_at, e.event_id
        )                                                               as listed,
        list(distinct case e.kind
            when 'merger_acquisition' then 'merger_acquisition_180d'
            when 'bankruptcy' then 'bankruptcy_365d'
            when 'regulatory_change' then 'regulatory_change_180d'
            when 'layoffs' then 'layoffs_180d'
        end order by 1)                                                 as drivers
    from int_account_weeks as w
    join stg_external_risk_events as e
        on e.account_id = w.account_id
       and e.occurred_at >= cast(w.week_start as timestamp)
       and e.occurred_at < w.as_of
    group by w.account_id, w.week_start
),

external_risk as (
    select
        account_id,
        week_start,
        'external_risk'                                                 as kind,
        case severity_rank when 3 then 'high' when 2 then 'medium' else 'low' end as severity,
        listed                                                          as reason,
        drivers::varchar[]                                              as drivers,
        null::date                                                      as ref_week_start,
        null::double                                                    as score_before
    from risk_events
),

all_conditions as (
    select * from score_drop
    union all by name select * from tier_down
    union all by name select * from key_person
    union all by name select * from divergence
    union all by name select * from p0_opened
    union all by name select * from renewal_risk
    union all by name select * from external_risk
),

final as (
    select
        c.account_id,
        c.week_start,
        s.week_index,
        c.kind,
        c.severity,
        c.reason,
        c.drivers,
        c.ref_week_start,
        c.score_before
    from all_conditions as c
    join scores as s using (account_id, week_start)
)

select * from final
