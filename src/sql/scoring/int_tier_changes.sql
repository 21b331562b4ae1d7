-- grain: account, scored week whose tier differs from the week before
-- key: account_id, week_start
-- int_tier_changes: one row per account-week whose tier is not the tier of the account's week
-- before (its first scored week is not a change): from which tier to which, and whether the move
-- was down (towards the formula's last tier, the riskiest) or up. The tier moves behind the
-- portfolio's tier-over-time chart and the tier_down alert, account by account.
select
    h.account_id,
    h.week_start,
    h.week_end,
    h.tier_last_week                                                    as from_tier,
    h.tier                                                              as to_tier,
    case when t.position > f.position then 'down' else 'up' end         as direction,
    h.score
from int_health_scores as h
join formula_tiers as t on t.tier_id = h.tier
join formula_tiers as f on f.tier_id = h.tier_last_week
where h.tier is distinct from h.tier_last_week
order by h.account_id, h.week_start
