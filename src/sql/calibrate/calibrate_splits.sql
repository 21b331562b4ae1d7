-- grain: candidate split
-- template: `weeks` is calibrate_weeks (src/calibrate/splits.ts)
-- kind: query
-- calibrate_splits: one row per candidate split of the observed weeks of `weeks` (shaped like
-- calibrate_weeks): each week's as_of (a Monday 00:00 UTC), plus $split when given (null = none),
-- with what each side of it would hold.
--   fit   weeks whose horizon ended by the split (as_of + $horizon_days <= split): their labels,
--         churned or not, depend only on what happened before the split
--   eval  observed weeks whose score became known at or after the split (as_of >= split)
-- An account is churned on a side when one of its weeks there is positive, surviving when it has
-- weeks there and none is positive.
with

weeks as (
    select account_id, as_of, label from {{ weeks }} where observed
),

per_as_of as (
    select as_of, count(*) as rows, count(*) filter (where label) as positives
    from weeks
    group by as_of
),

per_account as (
    select
        account_id,
        min(as_of)                                                      as first_as_of,
        max(as_of)                                                      as last_as_of,
        min(as_of) filter (where label)                                 as first_positive_as_of,
        max(as_of) filter (where label)                                 as last_positive_as_of
    from weeks
    group by account_id
),

candidates as (
    select as_of as split from per_as_of
    union
    select $split::timestamp as split where $split is not null
),

sides as (
    select
        c.split,
        coalesce(sum(p.rows) filter (where p.as_of + to_days($horizon_days) <= c.split), 0) as fit_rows,
        coalesce(sum(p.positives) filter (where p.as_of + to_days($horizon_days) <= c.split), 0) as fit_positives,
        coalesce(sum(p.rows) filter (where p.as_of >= c.split), 0)     as eval_rows,
        coalesce(sum(p.positives) filter (where p.as_of >= c.split), 0) as eval_positives
    from candidates as c
    cross join per_as_of as p
    group by c.split
),

accounts as (
    select
        c.split,
        count(*) filter (where a.first_positive_as_of + to_days($horizon_days) <= c.split) as fit_churned,
        count(*) filter (where a.first_as_of + to_days($horizon_days) <= c.split
                           and (a.first_positive_as_of is null or a.first_positive_as_of + to_days($horizon_days) > c.split)) as fit_survivors,
        count(*) filter (where a.last_positive_as_of >= c.split)        as eval_churned,
        count(*) filter (where a.last_as_of >= c.split
                           and (a.last_positive_as_of is null or a.last_positive_as_of < c.split)) as eval_survivors
    from candidates as c
    cross join per_account as a
    group by c.split
),

final as (
    select
        s.split,
        s.fit_rows::integer                                             as fit_rows,
        s.fit_positives::integer                                        as fit_positives,
        coalesce(a.fit_churned, 0)::integer                             as fit_churned,
        coalesce(a.fit_survivors, 0)::integer                           as fit_survivors,
        s.eval_rows::integer                                            as eval_rows,
        s.eval_positives::integer                                       as eval_positives,
        coalesce(a.eval_churned, 0)::integer                            as eval_churned,
        coalesce(a.eval_survivors, 0)::integer                          as eval_survivors
    from sides as s
    left join accounts as a using (split)
)

select * from final
order by split
