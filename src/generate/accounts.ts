/**
 * The book of business before anything is planted: one row per account with its name, segment,
 * region, industry, CSM, first contract (start, seats, plan, price) into `gen_account_base`.
 */
import type { Database } from "../db/duckdb.ts";

const CSMS_SQL = `
create or replace table gen_csms as
select row_number() over (order by u('csm-name', f.i, l.i)) - 1 as csm_index,
       f.name || ' ' || l.name as csm_name
from (select unnest(getvariable('first_names')) as name, unnest(range(len(getvariable('first_names')))) as i) f
cross join (select unnest(getvariable('last_names')) as name, unnest(range(len(getvariable('last_names')))) as i) l
qualify csm_index < greatest(8, ceil(getvariable('n_accounts') / 40.0))`;

const NAMES_SQL = `
create or replace table gen_company_names as
with combos as (
  select p.name || ' ' || c.name || case when s.name = '' then '' else ' ' || s.name end as company_name,
         p.i as pi, c.i * 100 + s.i as ci
  from (select unnest(getvariable('name_prefixes')) as name, unnest(range(len(getvariable('name_prefixes')))) as i) p
  cross join (select unnest(getvariable('name_cores')) as name, unnest(range(len(getvariable('name_cores')))) as i) c
  cross join (select unnest(getvariable('name_suffixes')) as name, unnest(range(len(getvariable('name_suffixes')))) as i) s
), distinct_names as (
  -- the suffix list repeats "" to make it common: keep each name once
  select company_name, min(pi) as pi, min(ci) as ci from combos group by company_name
)
select row_number() over (order by u('company-name', pi, ci)) - 1 as name_rank, company_name
from distinct_names`;

const BASE_SQL = `
create or replace table gen_account_base as
with draws as (
  select i,
    u('segment', i, 0) as r_segment, u('seats', i, 0) as r_seats, u('plan', i, 0) as r_plan,
    u('region', i, 0) as r_region, u('industry', i, 0) as r_industry, u('start', i, 0) as r_start,
    u('start', i, 1) as r_start_day, u('discount', i, 0) as r_discount, u('csm', i, 0) as r_csm,
    u('csm', i, 1) as r_pooled, u('sponsor', i, 0) as r_sponsor, u('tricky-name', i, 0) as r_tricky
  from range(1, getvariable('n_accounts') + 1) t(i)
), segmented as (
  select *,
    case when r_segment < 0.08 then 'enterprise' when r_segment < 0.38 then 'mid_market' else 'smb' end as segment,
    row_number() over (order by r_tricky) as tricky_rank,
    row_number() over (order by i) - 1 as name_slot
  from draws
), named as (
  select s.*,
    case when s.tricky_rank <= least(len(getvariable('tricky_names')), ceil(getvariable('n_accounts') / 40.0))
      then getvariable('tricky_names')[s.tricky_rank]
      else n.company_name || case when s.name_slot >= total.names then ' ' || (1 + s.name_slot // total.names)::varchar else '' end
    end as account_name
  from segmented s
  cross join (select count(*) as names from gen_company_names) total
  left join gen_company_names n on n.name_rank = s.name_slot % total.names
)
select
  i,
  'ACC-' || lpad(i::varchar, greatest(5, length(getvariable('n_accounts')::varchar))::integer, '0') as account_id,
  account_name,
  ascii_slug(account_name, '-') || '.example' as email_domain,
  segment,
  case segment
    when 'enterprise' then round(60 * exp(r_seats * ln(200.0 / 60)))
    when 'mid_market' then round(15 * exp(r_seats * ln(4.0)))
    else round(3 * exp(r_seats * ln(5.0)))
  end::integer as seats0,
  -- index into getvariable('plans'): 1 starter, 2 growth, 3 enterprise
  case segment
    when 'enterprise' then case when r_plan < 0.7 then 3 else 2 end
    when 'mid_market' then case when r_plan < 0.25 then 1 when r_plan < 0.85 then 2 else 3 end
    else case when r_plan < 0.65 then 1 else 2 end
  end as plan0,
  round(0.85 + 0.25 * r_discount, 3) as discount,
  case when r_region < 0.01 then null when r_region < 0.45 then 'NA' when r_region < 0.75 then 'EMEA'
       when r_region < 0.90 then 'APAC' else 'LATAM' end as region,
  case when r_industry < 0.04 then null else pick(getvariable('industries'), (r_industry - 0.04) / 0.96) end as industry,
  -- about 62% signed before the window (up to three years), the rest during it: a growing book
  case when r_start < 0.62 then getvariable('start_date') - (7 + floor(r_start_day * 1088))::integer
       else getvariable('start_date') + floor(r_start_day * (getvariable('days') - 21))::integer
  end as contract_start,
  case when segment = 'smb' and r_pooled < 0.25 then null
       else (select csm_name from gen_csms where csm_index = floor(r_csm * (select count(*) from gen_csms)))
  end as csm_owner,
  r_sponsor < case segment when 'smb' then 0.75 else 0.92 end as has_sponsor
from named`;

/** Builds `gen_csms`, `gen_company_names` and `gen_account_base`. */
export async function buildAccountBase(db: Database): Promise<void> {
  await db.run(CSMS_SQL);
  await db.run(NAMES_SQL);
  await db.run(BASE_SQL);
}
