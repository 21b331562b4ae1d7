-- grain: one row per figure of health outcomes (proactive, reactive, no_action_matched)
-- planted_outcomes: the demo's planted save rates restated on the episodes `health outcomes`
-- judged, at its own judge days, beside what it measured. Reads the published outcome files and
-- the demo's answers (_answers/interventions.csv: each acted account's intervention, its arm by
-- the renewal window at the action, the day it would have churned had nobody acted and the day it
-- churned), which the engine itself never reads.
-- One judging rule for truth and tool: an episode is judged on its judged_at (outcomes_episodes:
-- save-after days after it was last flagged); it was saved when the account had no churn from its
-- opening to that day. The truth of an acted episode is read from the answers: saved when its
-- churn_date is not in that span (proactive, reactive: grouped by the planted arm of the episode's
-- first intervention), and saved without the action when its would_churn_date is not
-- (no_action_matched: over the acted episodes the matched figure covers, those in a stratum with
-- a match_weight). The population is the tool's decided acted episodes.
-- is_inside: the planted rate lies in the printed Wilson 95% interval; misclassified: episodes whose
-- tool response differs from the planted arm (a renewal_risk alert open at the action, say);
-- judged_otherwise: episodes whose tool status (saved or churned) differs from the truth at their
-- judge day, which one judging rule keeps at 0.
with

answers as (
    select intervention_id, arm, cast(churn_date as date) as churn_date, cast(would_churn_date as date) as would_churn_date
    from read_csv($answers_file, header = true)
),

episodes as (
    select *
    from read_parquet($episodes_file)
    where status in ('saved', 'churned') and response <> 'none'
),

strata as (
    select worst_tier, length_band, is_renewal_window, usage_decline_band
    from read_parquet($strata_file)
    where match_weight is not null
),

judged as (
    select
        e.response,
        a.arm,
        e.status = 'saved'                                              as is_saved,
        coalesce(not (cast(a.churn_date as timestamp) >= e.opened_at and cast(a.churn_date as timestamp) <= e.judged_at), true)
                                                                        as is_saved_planted,
        coalesce(not (cast(a.would_churn_date as timestamp) >= e.opened_at and cast(a.would_churn_date as timestamp) <= e.judged_at), true)
                                                                        as is_saved_without_action,
        exists (
            select 1 from strata as s
            where s.worst_tier = e.worst_tier
              and s.length_band = e.length_band
              and s.is_renewal_window = e.is_renewal_window_at_opening
              and s.usage_decline_band in (e.usage_decline_band, 'any')
        )                                                               as is_matched
    from episodes as e
    join answers as a on a.intervention_id = e.first_intervention_id
),

planted as (
    select
        arm                                                             as figure,
        count(*)::integer                                               as planted_episodes,
        count(*) filter (where is_saved_planted)::integer               as planted_saved,
        count(*) filter (where response <> arm)::integer                as misclassified,
        count(*) filter (where is_saved <> is_saved_planted)::integer   as judged_otherwise
    from judged
    group by arm
    union all
    select
        'no_action_matched',
        count(*)::integer,
        count(*) filter (where is_saved_without_action)::integer,
        null,
        null
    from judged
    where is_matched
),

measured as (
    select response as figure, episodes, saved, save_rate, save_rate_low, save_rate_high
    from read_parquet($save_rates_file)
    where response <> 'none'
    union all
    select 'no_action_matched', acted_matched, null, save_rate, save_rate_low, save_rate_high
    from read_parquet($matched_file)
),

final as (
    select
        m.figure,
        coalesce(p.planted_episodes, 0)                                 as planted_episodes,
        coalesce(p.planted_saved, 0)                                    as planted_saved,
        case when p.planted_episodes > 0 then p.planted_saved / p.planted_episodes end as planted_save_rate,
        m.episodes                                                      as measured_episodes,
        m.saved                                                         as measured_saved,
        m.save_rate                                                     as measured_save_rate,
        m.save_rate_low,
        m.save_rate_high,
        coalesce(p.planted_saved / p.planted_episodes between m.save_rate_low and m.save_rate_high, false) as is_inside,
        p.misclassified,
        p.judged_otherwise
    from measured as m
    left join planted as p using (figure)
    order by case m.figure when 'proactive' then 1 when 'reactive' then 2 else 3 end
)

select * from final
