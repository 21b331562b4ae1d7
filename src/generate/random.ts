/**
 * Deterministic randomness for the generator, as DuckDB macros. Every draw is a hash of the seed, a salt
 * naming the decision, and the keys of the row it belongs to, so a value never depends on thread
 * scheduling or on the order rows are produced in, and two decisions never share a draw.
 *
 * Also sets the run's constants as DuckDB variables (`getvariable('seed')`, `'start_date'`...), so
 * generation SQL is plain text with no values spliced into it.
 */
import type { Database } from "../db/duckdb.ts";
import type { GenerationPlan } from "./options.ts";

const MACROS = `
-- uniform in (0, 1): the top 52 bits of a hash, centred in their bucket, so never exactly 0 or 1.
-- DuckDB combines the hashes of several arguments almost linearly, so two draws that differ only in
-- their salt would be correlated (a row picked for a low draw would get a predictable other draw);
-- hashing the combined hash once more mixes them apart.
create or replace macro u(salt, a, b) as
  ((hash(hash(getvariable('seed'), salt, a, b)) >> 12)::double + 0.5) / 4503599627370496.0;
-- standard normal (Box-Muller).
create or replace macro gauss(salt, a, b) as
  sqrt(-2.0 * ln(u(salt, a, b))) * cos(2.0 * pi() * u(salt || '~', a, b));
create or replace macro clamp(x, lo, hi) as least(greatest(x, lo), hi);
-- a uniformly chosen element of a list.
create or replace macro pick(items, r) as items[least(1 + floor(r * len(items))::integer, len(items))];
-- an integer in [lo, hi].
create or replace macro between_int(r, lo, hi) as (lo + floor(r * (hi - lo + 1)))::integer;
-- day index (0 = first day of history) of a date, and the date of a day index.
create or replace macro day_of(x) as (x::date - getvariable('start_date'))::integer;
create or replace macro date_of(d) as getvariable('start_date') + (d)::integer;
-- an instant: day index plus seconds into that day.
create or replace macro instant(d, secs) as
  make_timestamp((getvariable('start_epoch') + (d)::bigint * 86400 + (secs)::bigint) * 1000000);
-- seconds into a working day in UTC for a region's office hours (NA, EMEA, APAC, LATAM).
create or replace macro office_hour_start(region) as
  case region when 'EMEA' then 7 when 'APAC' then 0 when 'LATAM' then 11 else 13 end * 3600;
create or replace macro office_second(region, r) as office_hour_start(region) + floor(r * 9.5 * 3600)::integer;
-- a plain-ASCII slug for e-mail addresses and domains.
create or replace macro ascii_slug(s, sep) as
  trim(regexp_replace(
    strip_accents(replace(replace(replace(replace(replace(lower(s), 'ø', 'o'), 'ł', 'l'), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe')),
    '[^a-z0-9]+', sep, 'g'), sep);
`;

/** Defines the macros and the run's constants. Call once per database before any generation step. */
export async function prepareRandomness(db: Database, plan: GenerationPlan): Promise<void> {
  await db.run("set variable seed = $seed::bigint", { seed: plan.seed });
  await db.run("set variable n_accounts = $n::integer", { n: plan.accounts });
  await db.run("set variable weeks = $weeks::integer", { weeks: plan.weeks });
  await db.run("set variable days = $days::integer", { days: plan.weeks * 7 });
  await db.run("set variable start_date = $d::date", { d: plan.startDate });
  await db.run("set variable end_date = $d::date", { d: plan.endDate });
  await db.run("set variable export_ts = $t::timestamp", { t: plan.exportedAt.replace("Z", "") });
  await db.run("set variable start_epoch = epoch(getvariable('start_date')::timestamp)::bigint");
  await db.run("set variable event_scale = $s::double", { s: plan.eventScale });
  await db.run(MACROS);
}
