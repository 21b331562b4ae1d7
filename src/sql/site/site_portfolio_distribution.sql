-- site_portfolio_distribution: scored current customers by 5-point health-score bin and tier, for
-- the whole book and each slice of it (the Portfolio page's health distribution chart and its
-- "slice by" control), so the page draws the histogram without a list of accounts.
-- grain: one row per slice (dimension, slice), score bin and tier with at least one account
-- key: dimension, slice, score_bin, tier_id
--   score_bin   the bin's lower edge: 0, 5, ..., 95, the score as the page shows it (one decimal)
--               floored to a multiple of 5, with 100 in the last bin (95 to 100, both ends in)
--   tier_id     site_portfolio_accounts.tier_group: the tier id, or 'not_scored' for a score with no tier
--   accounts    current accounts of the slice with a score in the bin and that tier
with

current_accounts as (
    select account_id, score, tier_group from site_portfolio_accounts where score is not null
),

slices as (
    select s.dimension, s.slice, a.score, a.tier_group
    from site_account_slices as s
    join current_accounts as a using (account_id)
    where s.dimension in ('all', 'segment', 'plan', 'region', 'csm')
),

final as (
    select
        dimension,
        slice,
        least(floor(round(score, 1) / 5) * 5, 95)::integer    as score_bin,
        tier_group                                              as tier_id,
        count(*)::integer                                       as accounts
    from slices
    group by all
)

select * from final order by dimension, slice, score_bin, tier_id
