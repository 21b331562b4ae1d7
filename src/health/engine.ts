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
import { buildAll, stageModels, sumTimings, type Model, type ModelTiming } from "../sql/graph.ts";
import { formulaFragments } from "../sql/templates.ts";
import { buildInAccountBatches, planAccountBatches, scoringInputs, type AccountBatch } from "./account-batches.ts";
import { loadFormulaTables } from "./formula-tables.ts";
import {
  baseMeasureId,
  measureById,
  measureDataGap,
  measureHasTables,
  MEASURES,
  type MeasureDefinition,
  type TicketColumnsRecorded,
} from "./measures.ts";

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
  timings: ModelTiming[];
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
  /**
   * The data relations (portfolio and measures phases) are in the database already, restored from
   * a data snapshot (src/health/snapshot.ts): only the formula's phases are built.
   */
  restored?: boolean;
  /** Called once what depends on the data alone is built (the measures, their book figures and ranks), before the formula's phases. */
  afterMeasures?: () => Promise<void>;
}

const DEFAULT_CONTACTS_PER_BATCH = 250_000;

/** The engine's models by the phase they are built in (src/sql/graph.ts reads each model's scope from its header). */
export interface EnginePhases {
  /** Built once, before the account batches (scope portfolio). */
  portfolio: Model[];
  /** Per-account models that need no book-wide model: the measures (first batch pass). */
  measures: Model[];
  /** Book-wide models that depend on the data alone, between the two passes (scope book). */
  book: Model[];
  /**
   * Per-account models that read a book-wide model and depend on the data alone (a value's rank in
   * the book that week): the second batch pass builds them first, and the data snapshot keeps them.
   */
  ranks: Model[];
  /** Book-wide models that read the formula. */
  formulaBook: Model[];
  /** Per-account models that read the formula (or a model that does) and a book-wide model: the scores. */
  scores: Model[];
}

/**
 * The formula relations and template fragments a model may read and still depend on "the data
 * alone" as the data snapshot's key sees it (src/health/snapshot.ts puts what fills them in the
 * key): the measures to compute and the user_health section.
 */
export const SNAPSHOT_FORMULA_READS = new Set(["formula_score_maps", "formula_user_weights", "{{measure_unpivots}}"]);

/** The models of stage "score" (src/sql/intermediate, measures, scoring), split into the engine's phases. */
export function enginePhases(): EnginePhases {
  const models = stageModels("score");
  const bookNames = new Set(models.filter((m) => m.scope === "book").map((m) => m.name));
  const afterBook = new Set<string>();
  // dependency order: a model reads a book model, or a model that does
  for (const m of models) if (m.scope === "account" && m.inputs.some((i) => bookNames.has(i) || afterBook.has(i))) afterBook.add(m.name);
  // a model reads the formula beyond what the snapshot's key holds, or reads a model that does
  const formula = new Set<string>();
  for (const m of models) {
    const reads = [...m.relations.filter((r) => r.startsWith("formula_")), ...m.fragments.map((f) => `{{${f}}}`)];
    if (reads.some((r) => !SNAPSHOT_FORMULA_READS.has(r)) || m.inputs.some((i) => formula.has(i))) formula.add(m.name);
  }
  const book = models.filter((m) => bookNames.has(m.name));
  const second = models.filter((m) => afterBook.has(m.name));
  return {
    portfolio: models.filter((m) => m.scope === "portfolio"),
    measures: models.filter((m) => m.scope === "account" && !afterBook.has(m.name)),
    book: book.filter((m) => !formula.has(m.name)),
    ranks: second.filter((m) => !formula.has(m.name)),
    formulaBook: book.filter((m) => formula.has(m.name)),
    scores: second.filter((m) => formula.has(m.name)),
  };
}

/** Builds every health table for the staged warehouse in `db`. */
export async function computeHealth(
  db: Database,
  ingested: IngestResult,
  formula: LoadedFormula,
  onProgress: (message: string) => void = () => {},
  options: EngineOptions = {},
): Promise<HealthRun> {
  const present = new Set(ingested.tables.filter((t) => t.present).map((t) => t.table));
  const timings: ModelTiming[] = [];
  const context = { fragments: formulaFragments(formula, neededMeasures(formula, present)), timings };
  const warnings = checkFormulaTables(formula, present);
  await loadFormulaTables(db, formula.formula);
  await db.run("create or replace table formula_info as select $hash as formula_hash, $name as formula_name", {
    hash: formula.hash,
    name: formula.formula.name,
  });

  const contactsPerBatch = options.contactsPerBatch ?? numberFromEnv("HEALTH_CONTACTS_PER_BATCH") ?? DEFAULT_CONTACTS_PER_BATCH;
  const batches = await planAccountBatches(db, contactsPerBatch);
  const batched = batches.length > 1;
  const phases = enginePhases();
  const transient = [...phases.measures, ...phases.ranks, ...phases.scores].filter((m) => m.lifetime === "batch").map((m) => m.name);

  // Every model below reads only its account's rows (and the portfolio models above). The first
  // pass computes the measures; the book-wide models then read all of them; the second pass ranks
  // each value in the book (data alone, kept by the snapshot), then scores.
  const names = (models: Model[]) => models.map((m) => m.name);
  // the staged and portfolio relations a batch reads, once the portfolio models are built (or restored)
  const batchInputs = () => scoringInputs(db, names(phases.portfolio));
  const measureNames = new Set(names(phases.measures));
  /** A second pass over the account batches building `models`, which may read the first pass's tables (Parquet by batch now). */
  const secondPass = async (models: Model[], label: string, earlier: Set<string>) => {
    if (!batched) return buildAll(db, models, context);
    // A model built as a view stores nothing, batched or not: built once over the whole book (the
    // first pass's Parquet), a batch reads it narrowed to its accounts. Copied per batch, the ranked
    // values (int_measure_ranked) cost a Parquet write and read of every value: ~40 s a batch at 100k.
    const views = models.filter((m) => m.materialized === "view" && m.params.length === 0);
    await buildAll(db, views, context);
    const tables = models.filter((m) => !views.includes(m));
    if (tables.length === 0) return;
    // a filtered view reads only the batch's files
    const read = [...new Set(tables.flatMap((m) => m.inputs))].filter((name) => earlier.has(name) || names(views).includes(name)).sort();
    await buildInAccountBatches(db, batches, {
      inputs: [...(await batchInputs()), ...read],
      narrow: "view",
      keep: names(tables),
      build: async (batch, index) => {
        onProgress(`account batch ${index + 1} of ${batches.length}: ${label}`);
        await buildAll(db, tables, context);
      },
    });
  };
  if (options.restored) {
    onProgress("measures restored from the data snapshot; computing scores");
  } else {
    onProgress("building weekly spine and user activity");
    await buildAll(db, phases.portfolio, context);
    onProgress("computing measures and scores");
    if (!batched) await buildAll(db, phases.measures, context);
    else {
      await buildInAccountBatches(db, batches, {
        inputs: await batchInputs(),
        narrow: "copy",
        keep: names(phases.measures).filter((name) => !transient.includes(name)),
        build: async (batch, index) => {
          onProgress(`account batch ${index + 1} of ${batches.length}: ${batch.accounts} accounts, ${batch.contacts} contacts (measures)`);
          await buildAll(db, phases.measures, context);
        },
      });
    }
    for (const name of transient) await db.run(`drop table if exists ${ident(name)}`);
    await buildAll(db, phases.book, context);
    await secondPass(phases.ranks, "ranks in the book", measureNames);
    for (const name of transient) await db.run(`drop table if exists ${ident(name)}`);
    await options.afterMeasures?.();
  }
  await buildAll(db, phases.formulaBook, context);
  await secondPass(phases.scores, "scores", new Set([...measureNames, ...names(phases.ranks)]));
  for (const name of transient) await db.run(`drop table if exists ${ident(name)}`);

  const withoutData = await measuresWithoutData(db, formula, present, ingested.ticketColumns);
  for (const m of withoutData) {
    if (!m.reason.startsWith("needs "))
      warnings.push(`measure "${m.measure}" (${m.category}) has no usable data: ${m.reason}; its weight is shared by the others`);
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
    timings: sumTimings(timings),
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
function valuesGap(
  measure: MeasureDefinition,
  row: { n: number; lo: number | null; hi: number | null } | undefined,
  accountLevelUsage: boolean,
): string | undefined {
  if (!row || row.n === 0) {
    return measure.perPerson && accountLevelUsage
      ? "no account has a value: the usage names no contact (account-level usage), and this measure is per person"
      : "no account has a value in any week";
  }
  if (row.lo === row.hi && !(measure.zeroIsValue && row.lo === 0))
    return `every account-week has the same value (${row.lo}): the book does not record what it tells apart`;
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
