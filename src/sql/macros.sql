-- kind: macros
-- Casts shared by the staging models and by the type checks that run before them, so a value
-- that passes the check is exactly a value the staging cast accepts.
-- Timestamps are UTC: an offset in the text is honoured, a bare timestamp or a date is taken as UTC.
create or replace macro as_text(x) as cast(x as varchar);
create or replace macro try_as_text(x) as try_cast(x as varchar);
create or replace macro as_double(x) as cast(x as double);
create or replace macro try_as_double(x) as try_cast(x as double);
create or replace macro as_integer(x) as cast(cast(x as double) as integer);
-- An integer column must hold whole numbers: 2.5 is refused rather than rounded.
create or replace macro try_as_integer(x) as
    case when try_cast(x as double) = trunc(try_cast(x as double)) then try_cast(try_cast(x as double) as integer) end;
create or replace macro as_boolean(x) as cast(x as boolean);
create or replace macro try_as_boolean(x) as try_cast(x as boolean);
-- A column that is already a naive timestamp or a date (Parquet) is cast directly: the detour
-- through timestamptz costs a time-zone conversion per value (4x a whole scan on 100M events).
-- typeof() is resolved when the query is bound, so only one branch ever runs.
create or replace macro is_naive_time(x) as typeof(x) in ('TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'DATE');
create or replace macro as_timestamp(x) as
    case when is_naive_time(x) then cast(x as timestamp) else cast(cast(x as timestamptz) as timestamp) end;
create or replace macro try_as_timestamp(x) as
    case when is_naive_time(x) then try_cast(x as timestamp) else cast(try_cast(x as timestamptz) as timestamp) end;
create or replace macro as_date(x) as
    case when is_naive_time(x) then cast(x as date) else cast(cast(x as timestamptz) as date) end;
create or replace macro try_as_date(x) as
    case when is_naive_time(x) then try_cast(x as date) else cast(try_cast(x as timestamptz) as date) end;
