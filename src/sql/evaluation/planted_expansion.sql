-- grain: the demo's planted expansion (one row)
-- planted_expansion: one row: where the demo warehouse's planted expansion accounts rank in the
-- published expansion list (expansion.parquet) against every other listed account. Reads the
-- demo's answers (_answers/scenarios.csv), which the engine itself never reads.
with

answers as (
    select account_id, scenario
    from read_csv($answers_file, header = true)
),

listed as (
    select e.rank, coalesce(a.scenario = 'expansion', false) as is_planted
    from read_parquet($expansion_file) as e
    left join answers as a using (account_id)
),

final as (
    select
        (select count(*) from answers where scenario = 'expansion')::integer as planted,
        count(*)::integer                                               as listed,
        count(*) filter (where is_planted)::integer                     as planted_listed,
        count(*) filter (where is_planted and rank <= 10)::integer      as planted_in_top_10,
        count(*) filter (where is_planted and rank <= 20)::integer      as planted_in_top_20,
        median(rank) filter (where is_planted)::double                  as median_rank_planted,
        median(rank) filter (where not is_planted)::double              as median_rank_others
    from listed
)

select * from final
