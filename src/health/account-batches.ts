/**
 * Scoring in account batches, so that the weekly history of a book of business larger than memory
 * still completes: every per-account model depends only on the account's own rows plus the
 * portfolio models built before, so the engine can build them for one range of account ids at a
 * time and write what it keeps to disk. The per-contact weekly history (contacts x weeks rows) is
 * what outgrows memory first, so batches are sized by contacts. Later stages whose models are
 * per-account too (alerts) go through the same batches.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ident, literal, type Database } from "../db/duckdb.ts";

export type AccountBatch = {
  /** First and last account id of the batch, in DuckDB's ordering of account ids. */
  first: string;
  last: string;
  accounts: number;
  contacts: number;
};

/** The schema a batch's inputs are copied to and its models built in; dropped after each batch. */
const BATCH_SCHEMA = "account_batch";

/** Staged tables read only by portfolio models (the usage rollup's inputs). */
const PORTFOLIO_ONLY_STAGED = ["stg_usage_events", "stg_usage_daily"];

/**
 * Ranges of account ids, in order, each holding at most `contactsPerBatch` contacts (an account
 * counts as one more, so accounts without contacts are batched too); an account larger than the
 * budget gets a batch of its own.
 */
export async function planAccountBatches(db: Database, contactsPerBatch: number): Promise<AccountBatch[]> {
  return db.all<AccountBatch & { batch: number }>(
    `
    with weights as (
        select a.account_id, 1 + count(c.contact_id) as weight
        from stg_accounts as a
        left join stg_contacts as c using (account_id)
        group by a.account_id
    ),
    running as (
        select account_id, weight, sum(weight) over (order by account_id rows between unbounded preceding and current row) as running
        from weights
    )
    select
        ((running - weight) // $budget)::bigint                          as batch,
        min(account_id)                                                 as first,
        max(account_id)                                                 as last,
        count(*)::integer                                               as accounts,
        (sum(weight) - count(*))::integer                               as contacts
    from running
    group by batch
    order by batch`,
    { budget: contactsPerBatch },
  );
}

export interface BatchedBuild {
  /** Relations of the main schema that `build` reads a batch's rows of. */
  inputs: readonly string[];
  /**
   * How a batch's rows of the inputs are narrowed: "copy" copies them into tables once (inputs
   * held in memory and read many times), "view" filters them on each read (inputs that earlier
   * batches kept as Parquet: a read opens only the files, or row groups, of the batch's accounts).
   */
  narrow: "copy" | "view";
  /** Tables `build` creates that later steps read; the rest of the batch schema is dropped. */
  keep: readonly string[];
  build: (batch: AccountBatch, index: number) => Promise<void>;
}

/**
 * Builds per-account models once per batch: narrows every input to the batch's rows in a scratch
 * schema that shadows the main one (unqualified names resolve there first, then in main), runs
 * `build` there, and writes each `keep` table as one Parquet file per batch in the database's
 * scratch folder, on disk, so that memory holds one batch whatever the size of the book. Main
 * then reads each kept table through a view of the same name over its files, in batch order:
 * batches are account-id ranges in order, so tables built ordered by account stay ordered.
 */
export async function buildInAccountBatches(db: Database, batches: readonly AccountBatch[], work: BatchedBuild): Promise<void> {
  const store = await db.scratchDirectory();
  const files = new Map(work.keep.map((name) => [name, [] as string[]]));
  for (const name of work.keep) {
    await db.run(`drop table if exists main.${ident(name)}; drop view if exists main.${ident(name)}`);
    mkdirSync(path.join(store, name), { recursive: true });
  }
  for (const [index, batch] of batches.entries()) {
    await db.run(`drop schema if exists ${BATCH_SCHEMA} cascade; create schema ${BATCH_SCHEMA}`);
    const range = `account_id between ${literal(batch.first)} and ${literal(batch.last)}`;
    for (const input of work.inputs) {
      const kind = work.narrow === "copy" ? "table" : "view";
      await db.run(`create ${kind} ${BATCH_SCHEMA}.${ident(input)} as select * from main.${ident(input)} where ${range}`);
    }
    await db.withSchemaFirst(BATCH_SCHEMA, () => work.build(batch, index));
    for (const name of work.keep) {
      const file = path.join(store, name, `batch-${String(index + 1).padStart(5, "0")}.parquet`);
      await db.run(`copy ${BATCH_SCHEMA}.${ident(name)} to ${literal(file)} (format parquet, compression zstd)`);
      files.get(name)!.push(file);
    }
    await db.run(`drop schema ${BATCH_SCHEMA} cascade`);
  }
  for (const [name, list] of files) {
    await db.run(`create view main.${ident(name)} as select * from read_parquet([${list.map(literal).join(", ")}])`);
  }
}

/** Relations of the main schema with an account id (tables and views), but for those named in `except`. */
export async function accountRelations(db: Database, except: readonly string[]): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `select distinct table_name as name from information_schema.columns
     where table_schema = 'main' and column_name = 'account_id'
     order by name`,
  );
  return rows.map((row) => row.name).filter((name) => !except.includes(name));
}

/**
 * Scoring's per-account inputs: staged tables with an account id (but the usage ones), and the
 * `portfolio` models (built before the batches) with an account id, e.g. the activity rollups.
 */
export async function scoringInputs(db: Database, portfolio: readonly string[]): Promise<string[]> {
  return (await accountRelations(db, PORTFOLIO_ONLY_STAGED)).filter((name) => name.startsWith("stg_") || portfolio.includes(name));
}
