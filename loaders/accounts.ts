/**
 * `data/accounts/<shard>.json`: the account viewer's data, a shard of accounts per file, of which
 * the viewer fetches only the one holding the account asked for. Each account's entry holds the CRM facts, the weekly health history with every
 * category, the measures at the latest week, the drivers of each 4-week change, the people, usage,
 * tickets, surveys, alerts and the playbook. Built with a handful of set-based queries (one row per
 * account each), never one query per account.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PACKED_LISTS, shardCount, shardName, shardOf } from "../reports/lib/account-link.ts";
import { withLock } from "./engine-outputs.ts";
import { ident, literal, type Database } from "../src/db/duckdb.ts";
import { accountRelations } from "../src/health/account-batches.ts";
import { rawText } from "../src/health/explain.ts";
import { measureById } from "../src/health/measures.ts";
import { render, sqlFile } from "../src/sql/files.ts";
import { accountSlug, columnsOf, day, plainRows, round } from "./lib/encode.ts";
import { withOutputs, type Outputs } from "./lib/outputs.ts";

/** A week's 4-week change must be at least this many points for its drivers to be listed. */
export const DRIVER_MIN_CHANGE = 5;
/** Measures listed per such week. */
export const DRIVERS_PER_WEEK = 3;
/** Tickets of the last this many days are shipped. */
export const TICKET_DAYS = 365;

type Row = Record<string, unknown>;

/** Every account's page data, keyed by account id. */
export async function accountPages(outputs: Outputs): Promise<Map<string, Row>> {
  const { db, formula } = outputs;
  const byId = async (sql: string, params?: Record<string, number>) => {
    const map = new Map<string, Row>();
    for (const row of await db.all(sql, params)) map.set(String(row.account_id), row);
    return map;
  };
  const categoryLists = formula.categories
    .map((c) => `list(round(${ident(`category_${c.id}`)}, 1) order by week_start) as ${ident(`category_${c.id}`)}`)
    .join(",\n        ");
  const history = await byId(render(sqlFile("site/site_account_history.sql"), { category_lists: categoryLists }));
  const measures = await byId(sqlFile("site/site_account_measures.sql"));
  const drivers = await byId(sqlFile("site/site_account_drivers.sql"), { min_change: DRIVER_MIN_CHANGE, per_week: DRIVERS_PER_WEEK });
  const people = await byId(sqlFile("site/site_account_people.sql"));
  const activity = await byId(sqlFile("site/site_account_activity.sql"), { ticket_days: TICKET_DAYS });
  const alerts = new Map<string, Row[]>();
  if (outputs.has("alerts")) {
    const rows = plainRows(
      await db.all(
        "select account_id, alert_id, kind, severity, raised_week_end, cleared_week_end, is_open, reason, drivers, category_id, playbook, score, score_before from alerts order by raised_week_end, alert_id",
      ),
    );
    for (const r of rows) alerts.set(String(r.account_id), [...(alerts.get(String(r.account_id)) ?? []), r]);
  }
  // the team's interventions, shown on the history when the book has an interventions export
  const interventions = new Map<string, Row[]>();
  const hasInterventions = outputs.has("site_account_interventions") && (await interventionsExported(db));
  if (hasInterventions) {
    const rows = plainRows(
      await db.all(`select account_id, intervention_id, strftime(started_at, '%Y-%m-%d') as started, strftime(completed_at, '%Y-%m-%d') as completed,
        kind, owner, alert_id, outcome from site_account_interventions order by started_at, intervention_id`),
    );
    for (const r of rows) interventions.set(String(r.account_id), [...(interventions.get(String(r.account_id)) ?? []), r]);
  }
  const tiers = new Map(formula.tiers.map((t) => [t.id, t]));
  const categoryById = new Map(formula.categories.map((c) => [c.id, c]));
  const label = (id: string) => measureById(id)?.label ?? id;

  const pages = new Map<string, Row>();
  for (const a of await db.all("select * from accounts order by account_id")) {
    const id = String(a.account_id);
    const h = history.get(id);
    const m = (measures.get(id)?.measures ?? []) as Row[];
    const act = activity.get(id) ?? {};
    const categories: Record<string, unknown[]> = {};
    for (const c of formula.categories) categories[c.id] = (h?.[`category_${c.id}`] as unknown[] | undefined) ?? [];
    // the weakest category (most points lost) names the category playbook to follow
    const weakest = m.length
      ? formula.categories
          .map((c) => ({
            c,
            lost: m.filter((x) => x.category_id === c.id).reduce((s, x) => s + (Number(x.weight) || 0) * (100 - (Number(x.score) || 0)), 0),
          }))
          .sort((x, y) => y.lost - x.lost)[0]?.c
      : undefined;
    const tier = a.tier ? tiers.get(String(a.tier)) : undefined;
    pages.set(id, {
      account: {
        id,
        slug: accountSlug(id),
        name: a.account_name,
        segment: a.segment,
        industry: a.industry,
        region: a.region,
        plan: a.plan,
        arr: a.arr,
        seats: a.seats_purchased,
        contract_start: day(a.contract_start_date),
        renewal: day(a.renewal_date),
        csm: a.csm_owner,
        churned_at: day(a.churned_at),
        churn_reason: a.churn_reason,
      },
      latest: {
        week_end: day(a.last_scored_week_end),
        score: round(a.score),
        tier: a.tier,
        coverage: round(a.coverage, 2),
        change_4w: round(a.score_change_4w),
        cap_reason: a.cap_reason,
      },
      history: {
        week_end: h?.week_end ?? [],
        score: h?.score ?? [],
        tier: h?.tier ?? [],
        coverage: h?.coverage ?? [],
        cap_reason: h?.cap_reason ?? [],
        categories,
      },
      measures: m.map((x) => ({
        ...x,
        label: label(String(x.measure_id)),
        raw_text: rawText(String(x.measure_id), x.raw_value === null ? null : Number(x.raw_value)),
      })),
      drivers: ((drivers.get(id)?.drivers ?? []) as Row[]).map((d) => ({
        ...d,
        label: label(String(d.measure_id)),
        raw_text: rawText(String(d.measure_id), d.raw === null ? null : Number(d.raw)),
        raw_before_text: rawText(String(d.measure_id), d.raw_before === null ? null : Number(d.raw_before)),
      })),
      people: people.get(id)?.people ?? [],
      usage: { week_start: act.usage_week_start ?? [], events: act.usage_events ?? [], active_users: act.usage_active_users ?? [] },
      tickets: act.tickets ?? [],
      surveys: act.surveys ?? [],
      alerts: outputs.has("alerts") ? (alerts.get(id) ?? []) : null,
      interventions: hasInterventions ? (interventions.get(id) ?? []) : null,
      playbook: {
        tier: tier ? { label: tier.label, text: tier.playbook } : null,
        category:
          weakest && tier && tier !== formula.tiers[0]
            ? { id: weakest.id, label: weakest.label, text: categoryById.get(weakest.id)!.playbook }
            : null,
      },
    });
  }
  return pages;
}

/** Whether the run's book had an interventions export (the extract is written either way, empty without). */
async function interventionsExported(db: Database): Promise<boolean> {
  const row = await db.one<{ n: number }>("select count(*)::integer as n from main.site_account_interventions");
  return (row?.n ?? 0) > 0;
}

const PASS_SCHEMA = "page_pass";

/**
 * Accounts whose pages one DuckDB pass builds. The page queries gather each account's whole weekly
 * history into lists; over all 10k accounts of a bench book at once they ran out of a 2.5 GB
 * limit. Passes of this size keep the loader's memory flat at any book size.
 */
export const ACCOUNTS_PER_PASS = 2000;

/**
 * Runs `work` with every output that has an account id narrowed to `ids`, a run of consecutive
 * account ids in DuckDB's order: views of the same names in a schema searched before main, so the
 * page SQL runs unchanged. The range lets each read skip the Parquet row groups of other accounts
 * (the outputs are written ordered by account): passes of accounts spread over the whole book read
 * every row of every output each time, 50 times over at 100k accounts.
 */
async function withAccountsNarrowed<T>(db: Database, ids: readonly string[], work: () => Promise<T>): Promise<T> {
  const tables = await accountRelations(db, []);
  await db.run(`drop schema if exists ${PASS_SCHEMA} cascade; create schema ${PASS_SCHEMA}`);
  await db.run(`create table ${PASS_SCHEMA}.pass_accounts (account_id varchar primary key)`);
  await db.run(`insert into ${PASS_SCHEMA}.pass_accounts values ${ids.map((id) => `(${literal(id)})`).join(", ")}`);
  const range = `account_id between ${literal(ids[0]!)} and ${literal(ids[ids.length - 1]!)}`;
  for (const name of tables) {
    await db.run(
      `create view ${PASS_SCHEMA}.${ident(name)} as select * from main.${ident(name)}
       where ${range} and account_id in (select account_id from ${PASS_SCHEMA}.pass_accounts)`,
    );
  }
  try {
    return await db.withSchemaFirst(PASS_SCHEMA, work);
  } finally {
    await db.run(`drop schema ${PASS_SCHEMA} cascade`);
  }
}

export interface AccountShardOptions {
  /** Defaults to ACCOUNTS_PER_PASS. */
  accountsPerPass?: number;
  /** Defaults to `<dir>/site_accounts`. */
  folder?: string;
}

/**
 * Writes every shard's file (`<shard>.json`: `{"<account id>": <page data>, ...}`) into
 * `<outputs>/site_accounts/` once, under a lock: the site build copies the folder next to the
 * pages, and the preview's shard loader (one process per shard asked for) reads its file from it.
 * Accounts go through in passes of consecutive ids, so each pass reads only its part of the
 * outputs; a shard (named by a hash of the id) gathers accounts from every pass, so each pass
 * appends its accounts to their shards' files and the files are closed after the last. Neither
 * DuckDB nor this process holds more than a pass. Returns the folder.
 */
export async function writeAccountShards(dir: string, options: AccountShardOptions = {}): Promise<string> {
  const folder = options.folder ?? path.join(dir, "site_accounts");
  const perPass = options.accountsPerPass ?? ACCOUNTS_PER_PASS;
  if (existsSync(path.join(folder, ".complete"))) return folder;
  await withLock(`${folder}.lock`, async () => {
    if (existsSync(path.join(folder, ".complete"))) return;
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const count = await withOutputs(dir, async (outputs) => {
      const ids = (await outputs.db.all("select account_id from accounts order by account_id")).map((r) => String(r.account_id));
      const shards = shardCount(ids.length);
      const file = (shard: string) => path.join(folder, `${shard}.json`);
      const opened = new Set<string>();
      for (let start = 0; start < ids.length; start += perPass) {
        const pass = ids.slice(start, start + perPass);
        const pages = await withAccountsNarrowed(outputs.db, pass, () => accountPages(outputs));
        // a table left un-narrowed would give pages of other accounts and shards written twice
        if (pages.size !== pass.length) throw new Error(`a pass of ${pass.length} accounts built ${pages.size} account pages`);
        const entries = new Map<string, string[]>();
        for (const id of pass) {
          const shard = shardOf(id, shards);
          if (!entries.has(shard)) entries.set(shard, []);
          entries.get(shard)!.push(`${JSON.stringify(id)}:${JSON.stringify(packAccount(pages.get(id)!))}`);
        }
        for (const [shard, list] of entries) {
          appendFileSync(file(shard), `${opened.has(shard) ? "," : "{"}${list.join(",")}`);
          opened.add(shard);
        }
      }
      for (let i = 0; i < shards; i++) {
        const shard = shardName(i);
        if (opened.has(shard)) appendFileSync(file(shard), "}");
        else writeFileSync(file(shard), "{}");
      }
      return ids.length;
    });
    writeFileSync(path.join(folder, ".complete"), `${count} accounts in ${shardCount(count)} shards\n`);
  });
  return folder;
}

/** An account's entry as a shard holds it: the PACKED_LISTS as columns (the viewer's `unpackAccount` reverses it). */
export function packAccount(page: Row): Row {
  const out: Row = { ...page };
  for (const key of PACKED_LISTS) {
    const list = page[key];
    if (Array.isArray(list)) out[key] = columnsOf(list as Row[]);
  }
  return out;
}

/** Loader core: the JSON text of one shard (`s007`) of account data for the outputs in `dir`. */
export async function accountShardLoader(dir: string, shard: string): Promise<string> {
  if (!/^s\d{3,}$/.test(shard)) throw new Error(`bad account shard "${shard}"`);
  const file = path.join(await writeAccountShards(dir), `${shard}.json`);
  if (!existsSync(file)) throw new Error(`no account shard ${shard} in ${dir} (the number of accounts changed? rebuild from clean)`);
  return readFileSync(file, "utf8");
}

/** The `--shard=s007` argument Framework passes to a parameterized loader. */
export function shardArgument(argv: readonly string[] = process.argv): string {
  const arg = argv.find((a) => a.startsWith("--shard="));
  if (!arg) throw new Error("the account shard loader needs --shard=<shard>");
  return arg.slice("--shard=".length);
}
