-- Scoring helpers. A score map is stored as segments (formula_points): on [lo, hi) the score is
-- y0 + (x - x0) * slope, with flat segments below the first point and above the last.
create or replace macro interpolate(x, x0, y0, slope) as y0 + (x - x0) * slope;
