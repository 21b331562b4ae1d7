-- grain: alert (account, kind, episode)
-- key: alert_id
-- params: the formula's `alerts` thresholds (src/alerts/alerts.ts)
-- alerts: one row per alert (account, kind, episode), with everything as of the week it was raised:
-- severity, reason in words with the numbers, the measures that drove it, the playbook, score,
-- tier, ARR and the renewal as known then; plus whether and when it cleared.
-- Drivers and playbook:
--   score_drop, tier_down  the (up to 3) measures that pulled the score down most since the
--                          reference week (the peak score, the best tier), see `compared`; the
--                          playbook of the category that pulled it down most
--   renewal_risk           the (up to 3) measures costing the most points that week ("weakest");
--                          the playbook of the tier
--   other kinds            their own measures; the playbook of the first formula category holding
--                          one of them, else the tier's
--   alerts.playbooks.<kind> in the formula overrides all of these.
with

raised as (
    select * from int_alert_raised
),

catalogue as (
    select measure_id, label, unit from measure_catalogue
),

-- score_drop and tier_down: what each measure did to the score since the reference week. A
-- measure with data both weeks moved it by its weight now x its score change. A measure that got
-- data since pulls the score towards its own score: its weight x (its score - its category's score
-- then, or the health score then if the category had no data). A measure that lost its data took
-- that pull away: -(its weight then x (its score then - its category's score now, or the health
-- score then)). (Raw contribution changes would also blame measures that merely lost weight to a
-- newcomer.)
reference_scores as (
    select r.account_id, r.kind, r.raised_week_start, r.ref_week_start, h.uncapped_score as score_then
    from raised as r
    join int_health_scores as h on h.account_id = r.account_id and h.week_start = r.ref_week_start
    where r.kind in ('score_drop', 'tier_down')
),

-- each alert with its two weeks (one if they are the same), joined on the week: joined on the
-- account with the weeks as a filter, each alert met the account's whole history
alert_weeks as (
    select account_id, kind, raised_week_start, ref_week_start, score_then, raised_week_start as week_start from reference_scores
    union
    select account_id, kind, raised_week_start, ref_week_start, score_then, ref_week_start from reference_scores
),

-- the account-weeks whose measure rows the alerts read: both weeks of a score or tier drop, the
-- week a renewal risk was raised
alert_account_weeks as (
    select account_id, week_start from alert_weeks
    union
    select account_id, raised_week_start from raised where kind = 'renewal_risk'
),

-- their measure rows, in one scan of the book's (27M rows at 10k accounts) for the three
-- reckonings below, each of which scanned them in full
alert_measures as materialized (
    select m.account_id, m.week_start, m.category_id, m.measure_id, m.raw_value, m.score, m.effective_weight
    from int_measure_scores as m
    semi join alert_account_weeks as w on w.account_id = m.account_id and w.week_start = m.week_start
),

both_weeks as (
    select
        r.account_id,
        r.kind,
        r.raised_week_start,
        r.ref_week_start,
        m.measure_id,
        any_value(m.category_id)                                        as category_id,
        any_value(r.score_then)                                         as score_then,
        any_value(m.raw_value) filter (where m.week_start = r.ref_week_start) as raw_before,
        any_value(m.raw_value) filter (where m.week_start = r.raised_week_start) as raw_now,
        any_value(m.score) filter (where m.week_start = r.ref_week_start) as score_before,
        any_value(m.score) filter (where m.week_start = r.raised_week_start) as score_now,
        any_value(m.effective_weight) filter (where m.week_start = r.ref_week_start) as weight_before,
        any_value(m.effective_weight) filter (where m.week_start = r.raised_week_start) as weight_now
    from alert_weeks as r
    join alert_measures as m
        on m.account_id = r.account_id
       and m.week_start = r.week_start
    group by r.account_id, r.kind, r.raised_week_start, r.ref_week_start, m.measure_id
),

compared as (
    select
        m.account_id,
        m.kind,
        m.raised_week_start,
        m.measure_id,
        m.category_id,
        m.raw_before,
        m.raw_now,
        case when m.score_now is null then -m.weight_before * (m.score_before - coalesce(n.category_score, m.score_then))
             else m.weight_now * (m.score_now - coalesce(m.score_before, b.category_score, m.score_then)) end as impact
    from both_weeks as m
    left join int_category_scores as n
        on n.account_id = m.account_id and n.week_start = m.raised_week_start and n.category_id = m.category_id
    left join int_category_scores as b
        on b.account_id = m.account_id and b.week_start = m.ref_week_start and b.category_id = m.category_id
),

moved_drivers as (
    select
        c.account_id,
        c.kind,
        c.raised_week_start,
        list(c.measure_id order by c.impact, c.measure_id)              as drivers,
        string_agg(format('{} {} -> {}', k.label, measure_text(c.raw_before, k.unit), measure_text(c.raw_now, k.unit)), '; ' order by c.impact, c.measure_id) as words
    from (
        select *, row_number() over (partition by account_id, kind, raised_week_start order by impact, measure_id) as rank
        from compared
        where impact < 0
    ) as c
    join catalogue as k using (measure_id)
    -- the worst one always; the next two when they cost half a point or more
    where c.rank = 1 or (c.rank <= 3 and c.impact <= -0.5)
    group by c.account_id, c.kind, c.raised_week_start
),

-- the category that lost most: the same reckoning with category scores and weights
category_losses as (
    select account_id, kind, raised_week_start, arg_min(category_id, {'impact': impact, 'position': position}) as category_id
    from (
        select
            r.account_id, r.kind, r.raised_week_start, n.category_id, f.position,
            w.weight * (n.category_score - coalesce(b.category_score, r.score_then)) as impact
        from reference_scores as r
        join int_category_scores as n on n.account_id = r.account_id and n.week_start = r.raised_week_start
        join (
            select m.account_id, m.week_start, m.category_id, sum(m.effective_weight) as weight
            from alert_measures as m
            -- the weeks alerts were raised in only, not the whole book's
            semi join reference_scores as r on r.account_id = m.account_id and r.raised_week_start = m.week_start
            group by all
        ) as w on w.account_id = n.account_id and w.week_start = n.week_start and w.category_id = n.category_id
        left join int_category_scores as b
            on b.account_id = r.account_id
           and b.week_start = r.ref_week_start
           and b.category_id = n.category_id
        join formula_categories as f on f.category_id = n.category_id
    )
    group by account_id, kind, raised_week_start
),

-- renewal_risk: the measures costing the most points that week
weakest as (
    select
        w.account_id,
        w.kind,
        w.raised_week_start,
        list(w.measure_id order by w.shortfall desc, w.measure_id)      as drivers,
        'weakest: ' || string_agg(format('{} {}', k.label, measure_text(w.raw_value, k.unit)), ', ' order by w.shortfall desc, w.measure_id) as words
    from (
        select
            r.account_id, r.kind, r.raised_week_start, m.measure_id, m.raw_value,
            m.effective_weight * (100 - m.score)                        as shortfall,
            row_number() over (partition by r.account_id, r.kind, r.raised_week_start order by m.effective_weight * (100 - m.score) desc, m.measure_id) as rank
        from raised as r
        join alert_measures as m
            on m.account_id = r.account_id
           and m.week_start = r.raised_week_start
        where r.kind = 'renewal_risk'
    ) as w
    join catalogue as k using (measure_id)
    where w.rank <= 3 and w.shortfall >= 1
    group by w.account_id, w.kind, w.raised_week_start
),

-- other kinds: the first formula category holding one of the alert's own measures
own_categories as (
    select r.account_id, r.kind, r.raised_week_start, arg_min(m.category_id, f.position) as category_id
    from raised as r
    join formula_measures as m on list_contains(r.drivers, m.measure_id)
    join formula_categories as f using (category_id)
    where r.kind not in ('score_drop', 'tier_down', 'renewal_risk')
    group by all
),

enriched as (
    select
        r.*,
        coalesce(d.drivers, w.drivers, r.drivers)                       as all_drivers,
        concat_ws('; ', r.reason, d.words, w.words)                     as full_reason,
        coalesce(l.category_id, o.category_id)                          as category_id
    from raised as r
    left join moved_drivers as d using (account_id, kind, raised_week_start)
    left join weakest as w using (account_id, kind, raised_week_start)
    left join category_losses as l using (account_id, kind, raised_week_start)
    left join own_categories as o using (account_id, kind, raised_week_start)
),

final as (
    select
        e.account_id || '|' || e.kind || '|' || strftime(e.raised_week_end, '%Y-%m-%d') as alert_id,
        e.account_id,
        a.account_name,
        e.kind,
        e.severity,
        e.raised_week_end,
        h.as_of                                                         as raised_as_of,
        e.cleared_week_end,
        e.status = 'open'                                               as is_open,
        e.status,
        e.last_seen_week_end,
        e.weeks_active,
        e.full_reason                                                   as reason,
        e.all_drivers                                                   as drivers,
        e.category_id,
        coalesce(o.playbook, c.playbook, t.playbook)                    as playbook,
        case
            when o.playbook is not null then 'alerts.playbooks.' || e.kind
            when c.playbook is not null then 'category:' || e.category_id
            else 'tier:' || h.tier
        end                                                             as playbook_source,
        h.score,
        coalesce(e.score_before, b.score)                               as score_before,
        h.tier,
        w.arr,
        r.renewal_date,
        r.days_to_renewal,
        w.segment,
        a.csm_owner,
        i.formula_hash
    from enriched as e
    join stg_accounts as a using (account_id)
    join int_health_scores as h on h.account_id = e.account_id and h.week_start = e.raised_week_start
    join int_account_weeks as w on w.account_id = e.account_id and w.week_start = e.raised_week_start
    join int_renewal_weeks as r on r.account_id = e.account_id and r.week_start = e.raised_week_start
    left join int_health_scores as b on b.account_id = e.account_id and b.week_index = e.week_index - $drop_weeks
    left join formula_categories as c on c.category_id = e.category_id and e.kind <> 'renewal_risk'
    left join formula_tiers as t on t.tier_id = h.tier
    left join formula_alert_playbooks as o on o.kind = e.kind
    cross join formula_info as i
)

select * from final
