/**
 * Scoring in account batches, so that the weekly history of a book of business larger than memory
 * still completes: every per-account model depends only on the account's own rows plus the
 * portfolio models built before, so the engine can build them for one range of account ids at a
 * time and append what it keeps. The per-contact weekly history (contacts x weeks rows) is what
 * outgrows memory first, so batches are sized by contacts.
 */
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

/**
 * Where the kept tables accumulate: a compressed in-memory database, checkpointed after each batch,
 * where the long measure history takes about a quarter of the memory (and of the spill files) of
 * DuckDB's plain in-memory tables. Main gets a view of each. Only batched runs pay for compressing.
 */
const STORE = "account_batches_store";

/** Per-account inputs besides the staged tables; the usage rollups are read only by portfolio models. */
const DERIVED_INPUTS = ["int_contact_activity_weekly", "int_account_activity_weekly"];
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

/**
 * Builds the per-account models once per batch: copies the batch's rows of every per-account input
 * into a scratch schema that shadows the main one (unqualified names resolve there first, then in
 * main), runs `build` there, and appends the `keep` tables to the compressed store; main then
 * reads each through a view of the same name. Batches are account-id ranges in order, so tables
 * built ordered by account stay ordered.
 */
export async function buildInAccountBatches(
  db: Database,
  batches: readonly AccountBatch[],
  keep: readonly string[],
  build: (batch: AccountBatch, index: number) => Promise<void>,
): Promise<void> {
  const inputs = await perAccountInputs(db);
  await db.run(`detach database if exists ${STORE}; attach ':memory:' as ${STORE} (compress)`);
  for (const name of keep) await db.run(`drop table if exists main.${ident(name)}; drop view if exists main.${ident(name)}`);
  for (const [index, batch] of batches.entries()) {
    await db.run(`drop schema if exists ${BATCH_SCHEMA} cascade; create schema ${BATCH_SCHEMA}`);
    for (const input of inputs) {
      await db.run(
        `create table ${BATCH_SCHEMA}.${ident(input)} as select * from main.${ident(input)} where account_id between $first and $last`,
        { first: batch.first, last: batch.last },
      );
    }
    await db.withSchemaFirst(BATCH_SCHEMA, () => build(batch, index));
    for (const name of keep) {
      const source = `${BATCH_SCHEMA}.${ident(name)}`;
      const target = `${STORE}.main.${ident(name)}`;
      await db.run(index === 0 ? `create table ${target} as select * from ${source}` : `insert into ${target} select * from ${source}`);
    }
    await db.run(`drop schema ${BATCH_SCHEMA} cascade; checkpoint ${STORE}`);
  }
  for (const name of keep) await db.run(`create view main.${ident(name)} as select * from ${STORE}.main.${ident(name)}`);
}

/** The main schema's per-account inputs: staged tables with an account id, and the activity rollups. */
async function perAccountInputs(db: Database): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `select distinct table_name as name from information_schema.columns
     where table_schema = 'main' and column_name = 'account_id'
       and ((table_name like 'stg\\_%' escape '\\' and table_name not in (${PORTFOLIO_ONLY_STAGED.map(literal).join(", ")}))
            or table_name in (${DERIVED_INPUTS.map(literal).join(", ")}))
     order by name`,
  );
  return rows.map((row) => row.name);
}
