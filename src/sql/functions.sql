-- kind: macros
-- Scoring helpers. A score map is stored as segments (formula_points): on [lo, hi) the score is
-- y0 + (x - x0) * slope, with flat segments below the first point and above the last.
-- A sum of floats that gives the same bits whatever order parallel hashing feeds the rows in (or
-- how accounts are batched): each term is fixed to 12 decimals and added exactly as a decimal.
create or replace macro exact_sum(x) as cast(sum(cast(x as decimal(38, 12))) as double);

create or replace macro interpolate(x, x0, y0, slope) as y0 + (x - x0) * slope;
-- The same map as lists, one row per key in formula_score_maps (segments ordered by lo, the first
-- from -infinity): a value's segment is the last whose lo it reaches. Reading the map as lists
-- beside each row replaces a range join, which costs a sort of the scored rows per map.
create or replace macro map_segment(x, los) as len(list_filter(los, l -> l <= x));
create or replace macro score_by_map(x, m) as
    m.y0s[map_segment(x, m.los)] + (x - m.x0s[map_segment(x, m.los)]) * m.slopes[map_segment(x, m.los)];
-- The same score given the segment `i` = map_segment(x, m.los): a model over many rows computes the
-- segment once, in a column, and reads the score from it (score_by_map finds the segment thrice).
create or replace macro score_in_segment(x, m, i) as m.y0s[i] + (x - m.x0s[i]) * m.slopes[i];
-- The health score's rule, stated once (reports/lib/score.ts is the same rule in TypeScript; the
-- test test/site/score-rule.test.ts checks that they agree): a score is the weighted mean of the
-- scores below it that have data, renormalised over their weights (callers keep only the rows with
-- data and a positive weight, so a part with no data drops out and its weight is shared), then
-- capped by the lowest cap in force (null: no cap). Measures make a category so, categories the
-- health score (int_measure_scores, int_health_scores, rescore).
create or replace macro weighted_mean(w, s) as exact_sum(w * s) / exact_sum(w);
create or replace macro capped_score(uncapped, cap) as least(uncapped, coalesce(cap, 100));
