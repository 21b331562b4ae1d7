/**
 * Ingest: discover the exports, check the files, stage them as typed views, check their content,
 * then build the weekly usage rollup. Throws ValidationError with every error of the first failing
 * stage; soft problems come back as warnings.
 */
import path from "node:path";
import { columnsOf } from "../contract/introspect.ts";
import { TABLES } from "../contract/tables.ts";
import { ident, type Database } from "../db/duckdb.ts";
import { buildTargets, stageModels } from "../sql/graph.ts";
import { TICKET_COLUMNS, type TicketColumn, type TicketColumnsRecorded } from "../health/measures.ts";
import { checkKey, checkReferences, checkRows, type CheckTarget } from "./check-content.ts";
import { checkTableFiles, type FileFacts } from "./check-files.ts";
import { discover, EXPORT_FILE, type Discovery, type FileFormat } from "./discover.ts";
import { EXAMPLES, ValidationError, type Problem } from "./problems.ts";
import { createStagingViews, prepareSession, stagingRelation, stagingSql } from "./stage.ts";

export interface IngestOptions {
  /** Export instant when the data directory has no export.json. Defaults to now. */
  now?: Date;
  onProgress?: (message: string) => void;
}

export interface TableSummary {
  table: string;
  presence: "required" | "optional";
  present: boolean;
  format?: FileFormat;
  files: number;
  rows: number;
  /** Earliest and latest value of the table's first timestamp or date column (ISO), when it has one. */
  from?: string;
  to?: string;
}

export interface IngestResult {
  dataDir: string;
  exportedAt: Date;
  exportedAtSource: Discovery["exportedAtSource"];
  tables: TableSummary[];
  warnings: Problem[];
  /** Which optional support_tickets columns the book records anywhere (int_ticket_recording). */
  ticketColumns: TicketColumnsRecorded;
}

/** Validates and stages the exports in `dataDir` into `db`. */
export async function ingest(db: Database, dataDir: string, options: IngestOptions = {}): Promise<IngestResult> {
  const progress = options.onProgress ?? (() => {});
  const discovery = await discover(db, dataDir, options.now);
  await prepareSession(db, discovery.exportedAt);
  const warnings: Problem[] = [...discovery.warnings];

  progress(`checking ${discovery.tables.size} tables in ${dataDir}`);
  const facts = new Map<string, FileFacts>();
  const fileProblems: Problem[] = [];
  for (const source of discovery.tables.values()) {
    const checked = await checkTableFiles(db, source);
    facts.set(source.table.name, checked.facts);
    fileProblems.push(...checked.problems);
  }
  warnings.push(...fileProblems.filter((p) => p.level === "warning"));
  failOnErrors(fileProblems);

  await createStagingViews(db, discovery, facts);
  // The file checks passed, so every value casts: the small exports are read and typed once, into
  // tables, and the row, key and reference checks below read those, not the files again.
  await materialiseSmallTables(db, discovery);
  const targets = [...discovery.tables.values()].map(
    (source): CheckTarget => ({
      table: source.table,
      view: `stg_${source.table.name}`,
      numberedRelation: () => `(${stagingSql(source.table, stagingRelation(source.table, discovery, facts, { rowNumbers: true }))})`,
      keysRelation: USAGE_TABLES.has(source.table.name) ? "int_usage_weekly" : undefined,
    }),
  );
  const rowProblems: Problem[] = [];
  for (const target of targets) {
    progress(`validating ${target.table.name}`);
    rowProblems.push(...(await checkRows(db, target, discovery.exportedAt)));
    rowProblems.push(...(await checkKey(db, target)));
  }
  failOnErrors(rowProblems);

  // The features seen (a cheap pass), then the one aggregating pass over the usage exports;
  // reference checks of usage then read the rollup's keys.
  progress("rolling up usage by week");
  const rollup = await buildTargets(db, ["int_usage_weekly"], {}, true);
  const referenceProblems: Problem[] = [];
  for (const target of targets) referenceProblems.push(...(await checkReferences(db, target)));
  failOnErrors(referenceProblems);

  // Book-wide facts the per-account models read, built before any account batch narrows the
  // staged tables: churn episodes (the spine and the backtest labels) and which optional ticket
  // columns the help desk records: the models of stage "ingest" (src/sql/graph.ts) but the rollup's.
  const built = new Set(rollup.map((m) => m.name));
  await buildTargets(
    db,
    stageModels("ingest")
      .filter((m) => !built.has(m.name))
      .map((m) => m.name),
    {},
    true,
  );
  const ticketColumns = await ticketColumnsRecorded(db);
  warnings.push(...(await softChecks(db, discovery)));
  const tables = await summarise(db, discovery, facts);
  failOnErrors(exportDateProblems(discovery, tables));

  return {
    dataDir: discovery.dataDir,
    exportedAt: discovery.exportedAt,
    exportedAtSource: discovery.exportedAtSource,
    tables,
    warnings,
    ticketColumns,
  };
}

/** Reads int_ticket_recording: whether any ticket records each optional column. */
async function ticketColumnsRecorded(db: Database): Promise<TicketColumnsRecorded> {
  const row = await db.one<Record<string, unknown>>("select * from int_ticket_recording");
  const recorded = (column: string) => row?.[column] != null;
  return Object.fromEntries(Object.entries(TICKET_COLUMNS).map(([name, c]) => [name, recorded(c.recordedFrom)])) as Record<
    TicketColumn,
    boolean
  >;
}

/**
 * How far the export date may lie past the newest dated row of any table: 28 days. History ends
 * with the last week before the export, so every week between the newest data and the export is
 * scored as a week with no activity at all, which drags every account toward at risk. A book whose
 * exports are taken weekly or monthly has rows within four weeks of its export (any live account
 * uses the product); a larger gap means an export date that is wrong (a typo, a clock used in place
 * of a missing export.json) or tables exported long before it. Not tuned to any one book.
 */
export const EXPORT_DATE_TOLERANCE_DAYS = 28;

/** An error when the export date is later than the newest data by more than the tolerance. */
function exportDateProblems(discovery: Discovery, tables: TableSummary[]): Problem[] {
  let newest: string | undefined;
  for (const summary of tables) {
    const table = TABLES.find((t) => t.name === summary.table)!;
    const timeColumn = columnsOf(table).find((c) => c.type === "timestamp" || c.type === "date");
    // a column that may lie in the future (a contract's start) says nothing about the export's age
    if (!summary.to || timeColumn?.mayBeFuture) continue;
    if (!newest || summary.to > newest) newest = summary.to;
  }
  if (!newest) return [];
  const gapDays = (discovery.exportedAt.getTime() - new Date(newest).getTime()) / 86_400_000;
  if (gapDays <= EXPORT_DATE_TOLERANCE_DAYS) return [];
  const clock = discovery.exportedAtSource === "clock";
  return [
    {
      level: "error",
      rule: "export_date_after_data",
      table: "export",
      file: path.join(discovery.dataDir, EXPORT_FILE),
      column: clock ? undefined : "exported_at",
      message:
        `the export date ${discovery.exportedAt.toISOString()}${clock ? " (the time of this run: there is no export.json)" : ""} is ${Math.floor(gapDays)} days after the newest data, ` +
        `${newest}; more than ${EXPORT_DATE_TOLERANCE_DAYS} days would score every week in between as a week without activity. ` +
        `${clock ? "Write export.json" : "Set exported_at"} to when the exports were taken, or export the missing recent rows`,
    },
  ];
}

/** Usage exports: too big to copy, read once by the weekly rollup. */
const USAGE_TABLES = new Set(["usage_events", "usage_daily"]);

/**
 * Once valid, every staged table but usage becomes a table: the models read them many times, and
 * a view over CSV would parse the file again each time.
 */
async function materialiseSmallTables(db: Database, discovery: Discovery): Promise<void> {
  for (const source of discovery.tables.values()) {
    const name = source.table.name;
    if (USAGE_TABLES.has(name)) continue;
    const view = ident(`stg_${name}`);
    const copy = ident(`stg_${name}__copy`);
    await db.run(`create or replace table ${copy} as select * from ${view}; drop view ${view}; alter table ${copy} rename to ${view}`);
  }
}

function failOnErrors(problems: Problem[]): void {
  if (problems.some((p) => p.level === "error")) throw new ValidationError(problems.filter((p) => p.level === "error"));
}

async function softChecks(db: Database, discovery: Discovery): Promise<Problem[]> {
  const warnings: Problem[] = [];
  for (const source of discovery.tables.values()) {
    for (const check of source.table.warnings ?? []) {
      const rows = await db.all<{ offender: string; total: number }>(
        `select offender, count(*) over ()::integer as total from (${check.query}) order by offender limit ${EXAMPLES}`,
      );
      if (rows.length === 0) continue;
      warnings.push({
        level: "warning",
        rule: "soft_check",
        table: source.table.name,
        message: check.message,
        keys: rows.map((r) => r.offender),
        count: rows[0]!.total,
      });
    }
  }
  return warnings;
}

async function summarise(db: Database, discovery: Discovery, facts: Map<string, FileFacts>): Promise<TableSummary[]> {
  const summaries: TableSummary[] = [];
  for (const table of TABLES) {
    const source = discovery.tables.get(table.name);
    const rows = [...(facts.get(table.name)?.rowsByFile.values() ?? [])].reduce((a, b) => a + b, 0);
    const summary: TableSummary = {
      table: table.name,
      presence: table.presence,
      present: Boolean(source),
      files: source?.files.length ?? 0,
      rows,
    };
    if (source) summary.format = source.format;
    const timeColumn = columnsOf(table).find((c) => c.type === "timestamp" || c.type === "date");
    if (source && timeColumn && rows > 0) {
      const range = await db.one<{ from: Date | null; to: Date | null }>(
        `select min(${ident(timeColumn.name)}) as "from", max(${ident(timeColumn.name)}) as "to" from ${ident(`stg_${table.name}`)}`,
      );
      if (range?.from) summary.from = range.from.toISOString();
      if (range?.to) summary.to = range.to.toISOString();
    }
    summaries.push(summary);
  }
  return summaries;
}
