/**
 * Product usage events. Every person (and, for accounts on a plan with the API, one integration
 * without a person) is an "actor" with a persona: how likely they are to be active on a weekday or a
 * weekend, how many events an active day holds, and how many features they use. A day's activity also
 * follows the account's weekly level (its planted trajectory and noise), the season (late-December
 * break, the European August) and personal holidays. When an account's level falls, the least
 * attached users stop first and the rest use the product less.
 *
 * The events stream straight from DuckDB into Parquet: actors are stored in output order and every
 * later step (unnest, filter, projection) keeps that order, so the file is byte-identical across runs
 * without sorting 100M rows. The actors are read back from scratch Parquet files with small row
 * groups: DuckDB hands out work (and preserves order) per row group, and one in-memory row group of
 * actors would expand to tens of millions of events held until it can be written in order.
 */
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { literal, type Database } from "../db/duckdb.ts";
import { contractSelectList, copyTo } from "./files.ts";

const SEASON_SQL = `
set variable season_emea = (
  select list(case
      when (m = 12 and dd >= 22) or (m = 1 and dd <= 3) then 0.35
      when (m = 12 and dd >= 18) or (m = 1 and dd <= 6) then 0.75
      when m = 8 then 0.6
      else 1.0 end order by d)
  from (select d, month(date_of(d)) as m, day(date_of(d)) as dd from range(getvariable('days')) t(d)));
set variable season_other = (
  select list(case
      when (m = 12 and dd >= 22) or (m = 1 and dd <= 3) then 0.35
      when (m = 12 and dd >= 18) or (m = 1 and dd <= 6) then 0.75
      when m = 8 then 0.92
      else 1.0 end order by d)
  from (select d, month(date_of(d)) as m, day(date_of(d)) as dd from range(getvariable('days')) t(d)));`;

const ACTORS_SQL = `
create or replace table gen_usage_actors as
with plans as (
  -- features available before and after the account's plan upgrade, if any
  select a.i,
    getvariable('features_by_plan')[a.plan0] as avail_before,
    getvariable('features_by_plan')[coalesce(st.plan_index, a.plan0)] as avail_after,
    coalesce(day_of(up.changed_at), 1000000) as upgrade_day
  from gen_accounts a
  left join gen_account_state st using (i)
  left join (select i, min(changed_at) as changed_at from gen_subscriptions where kind = 'plan_change' group by i) up using (i)
), people as (
  select c.i, c.contact_no as actor_key, c.contact_id, c.persona,
    greatest(0, day_of(c.joined_day) + 1, day_of(a.contract_start)) as d_lo,
    least(getvariable('days') - 1,
          coalesce(day_of(c.left_day) - 1, 1000000),
          coalesce(day_of(a.churn_date) - 1, 1000000)) as d_hi,
    u('stick', c.i, c.okey) * if(c.persona in ('power', 'sponsor') or c.role = 'champion', 0.5, 1.0) as stick,
    case c.persona
      when 'power' then between_int(u('breadth', c.i, c.okey), 8, 14)
      when 'regular' then between_int(u('breadth', c.i, c.okey), 4, 8)
      when 'occasional' then between_int(u('breadth', c.i, c.okey), 2, 4)
      else between_int(u('breadth', c.i, c.okey), 1, 2)
    end as breadth,
    between_int(u('rotation', c.i, c.okey), 0, 2) as rotation,
    a.scenario = 'low_utilisation_power_users' and c.persona = 'power' as very_active
  from gen_contacts c join gen_accounts a using (i)
  where c.persona <> 'idle'
  union all
  select a.i, -a.i, null, 'integration',
    greatest(0, day_of(a.contract_start) + between_int(u('api-start', a.i, 0), 14, 60)),
    least(getvariable('days') - 1, coalesce(day_of(a.churn_date) - 1, 1000000)),
    0.0, 1, 0, false
  from gen_accounts a
  where a.plan0 >= 2 and u('api', a.i, 0) < 0.5
)
select p.i, p.actor_key, a.account_id, p.contact_id, p.persona, p.d_lo, p.d_hi, p.stick, p.breadth, p.rotation,
  a.region = 'EMEA' as is_emea,
  office_hour_start(a.region) as office_start,
  case p.persona when 'power' then if(p.very_active, 0.92, 0.85) when 'regular' then 0.55 when 'occasional' then 0.2
                 when 'sponsor' then 0.08 else 0.9 end as p_weekday,
  case p.persona when 'power' then 0.15 when 'regular' then 0.03 when 'occasional' then 0.01
                 when 'sponsor' then 0.005 else 0.6 end as p_weekend,
  case p.persona when 'power' then if(p.very_active, 6.5, 4.5) when 'regular' then 2.3 when 'occasional' then 1.4
                 when 'sponsor' then 1.2 else 4.0 end as events_per_day,
  pl.avail_before, pl.avail_after, pl.upgrade_day
from people p
join gen_accounts a using (i)
join plans pl using (i)
where p.d_lo <= p.d_hi
order by p.i, p.actor_key`;

/** The event stream, in actor order; columns as the contract's usage_events. Follows a CTE named `actors`. */
const EVENTS_AFTER_ACTORS = `
days as (
  select * exclude (levels), unnest(range(d_lo, d_hi + 1)) as d, levels from actors
), leveled as (
  select * exclude (levels),
    levels[d // 7 + 1] as level,
    least(1.0, pow(levels[d // 7 + 1] / 0.9, 0.8)) as still_using
  from days
), active as (
  select *,
    greatest(1.0, events_per_day * getvariable('event_scale') * pow(least(level, 1.5), 0.3)) as mean_events
  from leveled
  where stick < still_using
    and u('active', actor_key, d) <
      if(d % 7 >= 5, p_weekend, p_weekday)
      * least(1.3, level / still_using)
      * if(is_emea, getvariable('season_emea'), getvariable('season_other'))[d + 1]
      * if(persona <> 'integration' and u('holiday', actor_key, d // 7) < 0.04, 0.1, 1.0)
), sessions as (
  select *,
    least(40, if(mean_events <= 1.0001, 1, 1 + floor(ln(u('events', actor_key, d)) / ln(1 - 1 / mean_events))))::integer as n,
    office_start + floor(u('session', actor_key, d) * 8 * 3600)::integer as session_start,
    30 + floor(u('gap', actor_key, d) * 400)::integer as gap,
    greatest(1, least(if(d >= upgrade_day, avail_after, avail_before),
      round(breadth * sqrt(least(level, 1.0)) + greatest(level - 1.0, 0.0) * 12)))::integer as reach
  from active
), events as (
  select *, unnest(range(n)) as e from sessions
)
select
  instant(d, if(persona = 'integration', floor(u('time', actor_key, d * 64 + e) * 86400),
                least(86399, session_start + e * gap + floor(u('time', actor_key, d * 64 + e) * gap)))) as occurred_at,
  account_id,
  contact_id,
  if(persona = 'integration', 'api',
     getvariable('feature_names')[1 + (floor(reach * pow(u('feature', actor_key, d * 64 + e), 1.7))::integer + rotation) % reach]) as feature,
  if(persona = 'integration', 1 + floor(-ln(u('quantity', actor_key, d * 64 + e)) * 12),
     if(u('quantity', actor_key, d * 64 + e) < 0.88, 1, 2 + floor(u('quantity', actor_key, d * 64 + e + 1) * 9)))::double as quantity
from events`;

/** Builds `gen_usage_actors` (needs contacts, accounts, weeks, subscriptions). */
export async function buildUsageActors(db: Database): Promise<void> {
  await db.run(SEASON_SQL);
  await db.run(ACTORS_SQL);
}

/**
 * Streams the usage events to a Parquet file and returns how many were written. `scratchDir` holds
 * a temporary copy of the actors, removed afterwards.
 */
export async function writeUsageEvents(db: Database, file: string, scratchDir: string): Promise<number> {
  const actorsDir = path.join(scratchDir, "usage_actors");
  await mkdir(actorsDir, { recursive: true });
  try {
    const actors = await writeActorParts(db, actorsDir);
    // Files are read in list order and a projection keeps the stream's order: no sort is needed
    // for identical bytes.
    const events = `with actors as (select * from read_parquet([${actors.map(literal).join(", ")}])), ${EVENTS_AFTER_ACTORS}`;
    return await copyTo(db, `select ${contractSelectList("usage_events")} from (${events})`, file, "format parquet, compression zstd");
  } finally {
    await rm(actorsDir, { recursive: true, force: true });
  }
}

/**
 * Each account's usage events per week (day index // 7), into `gen_week_events(account_id, w, events)`:
 * the usage a CSM sees on a dashboard, for the demo team's choices (interventions.ts). Needs
 * `buildUsageActors` first; the events are counted as they stream, never stored.
 */
export async function buildWeeklyUsage(db: Database, scratchDir: string): Promise<void> {
  const actorsDir = path.join(scratchDir, "weekly_usage_actors");
  await mkdir(actorsDir, { recursive: true });
  try {
    const actors = await writeActorParts(db, actorsDir);
    const events = `with actors as (select * from read_parquet([${actors.map(literal).join(", ")}])), ${EVENTS_AFTER_ACTORS}`;
    await db.run(`
      create or replace table gen_week_events as
      select account_id, (day_of(occurred_at) // 7)::integer as w, count(*)::integer as events
      from (${events}) group by all`);
  } finally {
    await rm(actorsDir, { recursive: true, force: true });
  }
}

/** Accounts per scratch file of actors: about 50k actors and their 105-week levels, some 40 MB. */
const ACCOUNTS_PER_ACTOR_PART = 2000;

/**
 * Writes the actors, each with its account's weekly levels, in output order, as scratch Parquet
 * files of a range of accounts each, and returns them in order. The lists are joined on only
 * here, a range at a time: held on every row of the actors table they took 2 GB at 100k accounts,
 * and one sort of them all ran out of the bench's 2.5 GB limit.
 */
async function writeActorParts(db: Database, dir: string): Promise<string[]> {
  const { n } = (await db.one<{ n: number }>("select max(i)::integer as n from gen_accounts"))!;
  const parts: string[] = [];
  for (let first = 1; first <= n; first += ACCOUNTS_PER_ACTOR_PART) {
    const last = first + ACCOUNTS_PER_ACTOR_PART - 1;
    const part = path.join(dir, `part-${String(parts.length + 1).padStart(5, "0")}.parquet`);
    await copyTo(
      db,
      `with levels as (
         select i, list(level order by w) as levels from gen_account_weeks where i between ${first} and ${last} group by i
       )
       select a.*, l.levels from gen_usage_actors a join levels l using (i)
       where a.i between ${first} and ${last}
       order by a.i, a.actor_key`,
      part,
      "format parquet, row_group_size 256",
    );
    parts.push(part);
  }
  return parts;
}
