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
