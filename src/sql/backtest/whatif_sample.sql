-- grain: sampled labelled account-week
-- key: account_id, week_end
-- stage: whatif
-- params: $stride, $max_rows (src/backtest/whatif.ts)
-- whatif_sample: one row per sampled account-week for the in-browser what-if: labelled and
-- uncensored weeks of backtest_weeks, every $stride-th calendar week (the same weeks for every
-- account), and, past $max_rows rows, only the accounts whose hash falls below the share that
-- keeps about $max_rows (whole accounts, so each keeps its history). Deterministic.
-- The category_<id> scores (null = no data) recombine into the engine's score: see
-- reports/lib/score.ts.
with

labelled as (
    select * from backtest_weeks where not censored and week_number % $stride = 0
),

sized as (
    select count(*) as rows from labelled
),

final as (
    select
        l.account_id,
        l.week_end,
        l.segment,
        l.label,
        l.score,
        l.tier,
        l.uncapped_score,
        l.cap_score,
        columns('^category_')
    from labelled as l
    cross join sized as s
    where s.rows <= $max_rows
       or (md5_number(l.account_id) % 1000000) / 1000000.0 < $max_rows / s.rows
)

select * from final
order by account_id, week_end
