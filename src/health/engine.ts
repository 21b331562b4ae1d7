/**
 * The point-in-time health engine. After ingest has staged the exports, it builds, in DuckDB and
 * set-based over the whole history: the weekly spine, per-contact activity and user health, every
 * measure family, measure scores and contributions, category scores, caps, tiers, and the
 * relations the outputs are written from (account_health_weekly, account_measures_weekly,
 * user_health, accounts).
 */
import { ident, numberFromEnv, type Database } from "../db/duckdb.ts";
import { checkFormulaTables, type LoadedFormula } from "../formula/load.ts";
import type { IngestResult } from "../ingest/ingest.ts";
import { sqlFile } from "../sql/files.ts";
import { buildInAccountBatches, planAccountBatches, scoringInputs, type AccountBatch } from "./account-batches.ts";
import { loadFormulaTables } from "./formula-tables.ts";
import { baseMeasureId, MEASURE_FAMILIES, measureById, measureDataGap, measureHasTables, MEASURES, type MeasureDefinition, type TicketColumnsRecorded } from "./measures.ts";

export interface HealthRun {
  formula: LoadedFormula;
  exportedAt: Date;
  /** Measures the formula uses whose tables are absent, or that have no usable data (see measuresWithoutData). */
  warnings: string[];
  /** The formula's measures with no usable data in any week, and why; their weight goes to the rest. */
  measuresWithoutData: MeasureWithoutData[];
  weeks: number;
  firstWeekEnd: string | null;
  lastWeekEnd: string | null;
  accountWeeks: number;
  accounts: number;
  /** Account batches the per-account models were built in (1 unless the book outgrew one batch). */
  batches: number;
  /** The batches themselves when there were several (later per-account stages reuse them), else empty. */
  accountBatches: readonly AccountBatch[];
  /** Seconds spent building each model, in build order, summed over batches (for profiling and the benchmark). */
  timings: { model: string; seconds: number }[];
}

export interface MeasureWithoutData {
  measure: string;
  category: string;
  /** Why: a table absent, no account with a value, or one value across the whole book. */
  reason: string;
}

export interface EngineOptions {
  /**
   * Most contacts per account batch (default HEALTH_CONTACTS_PER_BATCH, else 250 000): the
   * per-contact weekly history of a batch, contacts x weeks rows, is the engine's largest table.
   */
  contactsPerBatch?: number;
}

const DEFAULT_CONTACTS_PER_BATCH = 250_000;

/** Portfolio-wide models, built once, in order, each created as a table named after its file. */
const PORTFOLIO_MODELS = [
  "intermediate/int_calendar",
  "intermediate/int_core_features_weekly",
  "intermediate/int_contact_activity_weekly",
  "intermediate/int_account_activity_weekly",
  "intermediate/int_ttv_norms",
] as const;

const SCORING = ["scoring/int_measure_inputs", "scoring/int_measure_scores", "scoring/int_category_scores", "scoring/int_health_scores"] as const;

/**
 * Book-wide models built between the two per-account passes: they read every account's measure
 * values of a week (percentile ranks, the book's median, whether a measure varies at all), which
 * no account batch holds alone.
 */
const BOOK_MODELS = ["scoring/int_measure_book_weekly", "scoring/int_measure_reference"] as const;

/** Per-account models that only feed others in the same batch; every other one is kept for later stages. */
const TRANSIENT = new Set(["int_contact_weeks"]);

/** Builds every health table for the staged warehouse in `db`. */
export async function computeHealth(
  db: Database,
  ingested: IngestResult,
  formula: LoadedFormula,
  onProgress: (message: string) => void = () => {},
  options: EngineOptions = {},
): Promise<HealthRun> {
  const present = new Set(ingested.tables.filter((t) => t.present).map((t) => t.table));
  const timings: HealthRun["timings"] = [];
  const build = async (model: string, sql?: string) => {
    const started = performance.now();
    await createTable(db, model, sql);
    timings.push({ model: model.split("/").at(-1)!, seconds: (performance.now() - started) / 1000 });
  };
  const warnings = checkFormulaTables(formula, present);
  await loadFormulaTables(db, formula.formula);
  await db.run("create or replace table formula_info as select $hash as formula_hash, $name as formula_name", {
    hash: formula.hash,
    name: formula.formula.name,
  });

  const contactsPerBatch = options.contactsPerBatch ?? numberFromEnv("HEALTH_CONTACTS_PER_BATCH") ?? DEFAULT_CONTACTS_PER_BATCH;
  const batches = await planAccountBatches(db, contactsPerBatch);
  const batched = batches.length > 1;

  onProgress("building weekly spine and user activity");
  for (const model of PORTFOLIO_MODELS) await build(model);

  // Every model below reads only its account's rows (and the portfolio models above). The first
  // pass computes the measures; the book-wide models then read all of them; the second pass scores.
  const measureModels: [model: string, sql?: string][] = [
    ["intermediate/int_account_weeks"],
    ["intermediate/int_contact_weeks"],
    ...MEASURE_FAMILIES.map((family): [string] => [`measures/measures_${family}`]),
    ["int_measure_values", measureValuesSql(formula, present)],
    ["scoring/user_health"],
    ["intermediate/int_key_people_weekly"],
  ];
  const scoringModels: [model: string, sql?: string][] = [
    ...SCORING.map((model): [string] => [model]),
    ["account_health_weekly", accountHealthWeeklySql(formula)],
    ["scoring/account_measures_weekly"],
    ["scoring/accounts"],
  ];
  const buildAll = async (models: [string, string?][]) => {
    for (const [model, sql] of models) await build(model, sql);
  };
  const names = (models: [string, string?][]) => models.map(([model]) => model.split("/").at(-1)!);
  onProgress("computing measures and scores");
  if (!batched) {
    await buildAll(measureModels);
    for (const model of BOOK_MODELS) await build(model);
    await buildAll(scoringModels);
  } else {
    const inputs = await scoringInputs(db);
    const measureKeep = names(measureModels).filter((name) => !TRANSIENT.has(name));
    await buildInAccountBatches(db, batches, {
      inputs,
      narrow: "copy",
      keep: measureKeep,
      build: async (batch, index) => {
        onProgress(`account batch ${index + 1} of ${batches.length}: ${batch.accounts} accounts, ${batch.contacts} contacts (measures)`);
        await buildAll(measureModels);
      },
    });
    for (const model of BOOK_MODELS) await build(model);
    await buildInAccountBatches(db, batches, {
      // the first pass's tables are Parquet by batch now: a filtered view reads only the batch's files
      inputs: [...inputs, "int_account_weeks", "int_measure_values"],
      narrow: "view",
      keep: names(scoringModels),
      build: async (batch, index) => {
        onProgress(`account batch ${index + 1} of ${batches.length}: scores`);
        await buildAll(scoringModels);
      },
    });
  }
  for (const name of TRANSIENT) await db.run(`drop table if exists ${ident(name)}`);

  const withoutData = await measuresWithoutData(db, formula, present, ingested.ticketColumns);
  for (const m of withoutData) {
    if (!m.reason.startsWith("needs ")) warnings.push(`measure "${m.measure}" (${m.category}) has no usable data: ${m.reason}; its weight is shared by the others`);
  }

  const stats = await db.one<{ weeks: number; first: Date | null; last: Date | null; account_weeks: number; accounts: number }>(`
    select
      (select count(*) from int_calendar)::integer as weeks,
      (select min(week_end) from int_calendar) as first,
      (select max(week_end) from int_calendar) as last,
      (select count(*) from account_health_weekly)::integer as account_weeks,
      (select count(distinct account_id) from account_health_weekly)::integer as accounts`);
  return {
    formula,
    exportedAt: ingested.exportedAt,
    warnings,
    measuresWithoutData: withoutData,
    weeks: stats?.weeks ?? 0,
    firstWeekEnd: stats?.first ? stats.first.toISOString().slice(0, 10) : null,
    lastWeekEnd: stats?.last ? stats.last.toISOString().slice(0, 10) : null,
    accountWeeks: stats?.account_weeks ?? 0,
    accounts: stats?.accounts ?? 0,
    batches: Math.max(1, batches.length),
    accountBatches: batched ? batches : [],
    timings: sumByModel(timings),
  };
}

/**
 * The formula's measures that had no usable data in any scored week, and why: a table the book
 * does not export or a ticket column it never records (measureDataGap, known before scoring), no account with a value (e.g. per-person measures when usage names no
 * contact), or one value across every account-week (a role or column the book does not record,
 * e.g. no executive sponsor anywhere). Such a measure has no data; its weight goes to the rest.
 */
export async function measuresWithoutData(
  db: Database,
  formula: LoadedFormula,
  present: ReadonlySet<string>,
  recorded: TicketColumnsRecorded,
): Promise<MeasureWithoutData[]> {
  const rows = await db.all<{ category_id: string; measure_id: string; n: number; lo: number | null; hi: number | null }>(`
    with v as (
        select measure_id, count(*)::integer as n, min(raw_value) as lo, max(raw_value) as hi
        from int_measure_values group by measure_id
    )
    select f.category_id, f.measure_id, coalesce(v.n, 0)::integer as n, v.lo, v.hi
    from formula_measures as f
    left join v on v.measure_id = f.base_id`);
  const accountLevel = await db.one<{ n: number }>("select count(*)::integer as n from int_account_weeks where not has_person_usage");
  const out: MeasureWithoutData[] = [];
  for (const category of formula.formula.categories) {
    for (const use of category.measures) {
      const measure = measureById(use.measure)!;
      const row = rows.find((r) => r.category_id === category.id && r.measure_id === use.measure);
      // what is known before scoring (health check says it too), else what the values show
      const reason = measureDataGap(measure, present, recorded) ?? valuesGap(measure, row, (accountLevel?.n ?? 0) > 0);
      if (reason) out.push({ measure: use.measure, category: category.id, reason });
    }
  }
  return out;
}

/**
 * The formula's measures that can have no data in this book, known before any score: a table
 * absent or an optional ticket column never recorded (measureDataGap). What only the values show
 * (no account with a value, one value across the book) needs the engine: measuresWithoutData.
 */
export function measuresWithoutDataBeforeScoring(
  formula: LoadedFormula,
  present: ReadonlySet<string>,
  recorded: TicketColumnsRecorded,
): MeasureWithoutData[] {
  return formula.formula.categories.flatMap((category) =>
    category.measures.flatMap((use) => {
      const reason = measureDataGap(measureById(use.measure)!, present, recorded);
      return reason ? [{ measure: use.measure, category: category.id, reason }] : [];
    }),
  );
}

/** Why a measure's computed values give it no data: none at all, or one value across the book. */
function valuesGap(measure: MeasureDefinition, row: { n: number; lo: number | null; hi: number | null } | undefined, accountLevelUsage: boolean): string | undefined {
  if (!row || row.n === 0) {
    return measure.perPerson && accountLevelUsage
      ? "no account has a value: the usage names no contact (account-level usage), and this measure is per person"
      : "no account has a value in any week";
  }
  if (row.lo === row.hi && !(measure.zeroIsValue && row.lo === 0)) return `every account-week has the same value (${row.lo}): the book does not record what it tells apart`;
  return undefined;
}

/** Measures to compute: the formula's, its caps', and the alert trend measure, if their tables are present. */
export function neededMeasures(formula: LoadedFormula, present: ReadonlySet<string>): string[] {
  const f = formula.formula;
  const ids = new Set([
    // a net-of-book measure is computed from its base measure's column
    ...f.categories.flatMap((c) => c.measures.map((m) => baseMeasureId(m.measure))),
    ...f.caps.map((c) => c.measure),
    f.alerts.divergence.trend_measure,
  ]);
  return MEASURES.filter((m) => ids.has(m.id) && measureHasTables(m, present)).map((m) => m.id);
}

/** Long form of the measure tables: one row per account, week and measure with a value. */
function measureValuesSql(formula: LoadedFormula, present: ReadonlySet<string>): string {
  const byFamily = new Map<string, string[]>();
  for (const id of neededMeasures(formula, present)) {
    const family = measureById(id)!.family;
    byFamily.set(family, [...(byFamily.get(family) ?? []), id]);
  }
  const parts = [...byFamily].map(([family, ids]) => {
    const columns = ids.map((id) => `${ident(id)}::double as ${ident(id)}`).join(", ");
    return `select account_id, week_start, measure_id, raw_value from (
      unpivot (select account_id, week_start, ${columns} from ${ident(`measures_${family}`)})
      on ${ids.map(ident).join(", ")} into name measure_id value raw_value)`;
  });
  if (parts.length === 0) return "select null::varchar as account_id, null::date as week_start, null::varchar as measure_id, null::double as raw_value limit 0";
  // NaN (0/0 in a ratio) means no data, like null. Averages of floats depend on the order
  // parallel hashing feeds them; rounding far below any threshold gives the same bits every run.
  return `select account_id, week_start, measure_id, round(raw_value, 9) as raw_value
    from (${parts.join("\nunion all\n")}) where not isnan(raw_value)`;
}

/** One row per account-week with one column per category (`category_<id>`), in formula order. */
function accountHealthWeeklySql(formula: LoadedFormula): string {
  const categoryColumns = formula.formula.categories
    .map((c, position) => `max(c.category_score) filter (where f.position = ${position}) as ${ident(`category_${c.id}`)}`)
    .join(",\n      ");
  return `
    select
      h.account_id, h.week_start, h.week_end, h.as_of,
      h.score, h.tier, h.coverage, h.uncapped_score, h.cap_reason,
      h.score_4w_ago, h.score_change_4w, h.tier_last_week,
      ${categoryColumns},
      any_value(i.formula_hash) as formula_hash
    from int_health_scores as h
    left join int_category_scores as c using (account_id, week_start)
    left join formula_categories as f using (category_id)
    cross join formula_info as i
    group by all
    order by h.account_id, h.week_start`;
}

/** Seconds per model, summed over batches, in first-build order. */
function sumByModel(timings: HealthRun["timings"]): HealthRun["timings"] {
  const sums = new Map<string, number>();
  for (const { model, seconds } of timings) sums.set(model, (sums.get(model) ?? 0) + seconds);
  return [...sums].map(([model, seconds]) => ({ model, seconds }));
}

/** Creates table `model`'s last path part from its SQL file, or from `sql` built in code. */
async function createTable(db: Database, model: string, sql?: string): Promise<void> {
  const name = model.split("/").at(-1)!;
  try {
    await db.run(`create or replace table ${ident(name)} as ${sql ?? sqlFile(`${model}.sql`)}`);
  } catch (error) {
    throw new Error(`building ${name} (${sql ? "generated SQL" : `src/sql/${model}.sql`}) failed: ${(error as Error).message}`);
  }
}
