-- kind: macros
-- Wording helpers for alert reasons and expansion signals, so that numbers read like `health explain`
-- prints them: shares and changes as percentages, days as days, whole numbers rounded half away
-- from zero (as JavaScript's toFixed does).
create or replace macro fmt_number(x, digits) as
    case when digits = 0 then format('{:.0f}', round(x)) else format('{:.1f}', round(x, 1)) end;
-- Two scores as 'a -> b': whole numbers, or one decimal when whole numbers would hide the move.
create or replace macro fmt_scores(a, b) as
    case when round(a) = round(b) then fmt_number(a, 1) || ' -> ' || fmt_number(b, 1)
         else fmt_number(a, 0) || ' -> ' || fmt_number(b, 0) end;
create or replace macro fmt_percent(x) as format('{:.0f}%', round(x * 100));
create or replace macro fmt_change(x) as format('{}{:.0f}%', case when x >= 0 then '+' else '' end, round(x * 100));
create or replace macro fmt_weeks(n) as case when n = 1 then '1 week' else format('{} weeks', n) end;
create or replace macro fmt_money(x) as format('{:,}', round(x)::bigint);
-- A measure's raw value in its unit (see MeasureUnit in src/health/measures.ts).
create or replace macro measure_text(value, unit) as
    case
        when value is null then 'no data'
        when unit = 'share' then fmt_percent(value)
        when unit = 'change' then fmt_change(value)
        when unit = 'days' then fmt_number(value, 0) || ' days'
        when unit = 'flag' then case when value >= 1 then 'yes' else 'no' end
        when value = trunc(value) then fmt_number(value, 0)
        else fmt_number(value, 1)
    end;
