-- calibrate_auc_by_week: one row per scope of the `rows` relation (scope, week_start, score, label):
-- the time-stratified AUC, the probability that a churning account-week scores lower than a
-- non-churning account-week of the same week (ties one half), pooled over the weeks that hold both
-- classes (each week weighs by its pairs). Pairs across weeks, which the pooled AUC also counts, are
-- left out: they compare calendar times as much as accounts.
with

by_score as (
    select
        scope,
        week_start,
        score,
        count(*) filter (where label)                                   as positives,
        count(*) filter (where not label)                               as negatives
    from {{ rows }}
    where score is not null
    group by scope, week_start, score
),

ranked as (
    select
        *,
        coalesce(sum(negatives) over (
            partition by scope, week_start order by score desc rows between unbounded preceding and 1 preceding
        ), 0)                                                           as negatives_safer
    from by_score
),

per_week as (
    select
        scope,
        week_start,
        sum(positives * (2 * negatives_safer + negatives))::double      as wins2,
        2 * sum(positives)::double * sum(negatives)::double             as pairs2
    from ranked
    group by scope, week_start
),

final as (
    select
        scope,
        sum(wins2) / nullif(sum(pairs2), 0)                             as auc,
        count(*) filter (where pairs2 > 0)::integer                     as weeks
    from per_week
    group by scope
)

select * from final
order by scope
