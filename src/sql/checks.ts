/**
 * Generic tests of the model graph, as dbt runs them: each model's declared key (`-- key:` in its
 * header) unique and not null, and every account a model names is an account of the book. They
 * read built tables, so they run after a build (test/sql/graph.test.ts builds the whole graph).
 *
 * A key part written `column?` may be null (a null is one value, as in a GROUP BY); `key: none`
 * declares no key (events); `key: one row` a relation of at most one row.
 */
import { ident, type Database } from "../db/duckdb.ts";
import type { Model } from "./graph.ts";

export interface KeyPart {
  column: string;
  nullable: boolean;
}

/** The key of a model as columns, or "none" / "one row". */
export function keyOf(model: Model): KeyPart[] | "none" | "one row" {
  const text = model.key.join(", ").trim();
  if (text === "none") return "none";
  if (text === "one row") return "one row";
  return model.key.map((part) => ({ column: part.replace(/\?$/, ""), nullable: part.endsWith("?") }));
}

/** Problems with `relation`'s key as `model` declares it (the relation defaults to the model's name). */
export async function checkKey(db: Database, model: Model, relation = model.name): Promise<string[]> {
  const key = keyOf(model);
  const from = ident(relation);
  if (key === "none") return [];
  if (key === "one row") {
    const row = await db.one<{ n: number }>(`select count(*)::integer as n from ${from}`);
    return (row?.n ?? 0) > 1 ? [`${relation}: ${row!.n} rows, but its key says one row (src/sql/${model.file})`] : [];
  }
  if (key.length === 0) return [`${relation}: no key declared (src/sql/${model.file} needs a "-- key:" line)`];
  const problems: string[] = [];
  const columns = key.map((k) => ident(k.column)).join(", ");
  const nulls = key
    .filter((k) => !k.nullable)
    .map((k) => `count(*) filter (where ${ident(k.column)} is null)::integer as ${ident(k.column)}`);
  if (nulls.length > 0) {
    const row = (await db.one<Record<string, number>>(`select ${nulls.join(", ")} from ${from}`)) ?? {};
    for (const [column, n] of Object.entries(row))
      if (n > 0) problems.push(`${relation}: ${n} row(s) with a null ${column}, a key column (src/sql/${model.file})`);
  }
  const dup = await db.one<{ keys: number; rows: number; example: string | null }>(
    `select count(*)::integer as keys, sum(n)::integer as rows, min(example) as example from (
       select count(*) as n, cast(row(${columns}) as varchar) as example from ${from} group by ${columns} having count(*) > 1
     )`,
  );
  if (dup && dup.keys > 0) {
    problems.push(
      `${relation}: ${dup.keys} duplicate key value(s) of (${key.map((k) => k.column).join(", ")}) over ${dup.rows} rows, e.g. ${dup.example} (src/sql/${model.file})`,
    );
  }
  return problems;
}

/**
 * Rows of `relation` whose account_id (when it has one) is not an account of `accounts`: every
 * account-week, alert or opportunity belongs to an account the book has.
 */
export async function checkAccounts(db: Database, relation: string, accounts = "accounts"): Promise<string[]> {
  const columns = await db.all<{ name: string }>(
    "select column_name as name from information_schema.columns where table_name = $relation and table_schema = 'main'",
    { relation },
  );
  if (!columns.some((c) => c.name === "account_id")) return [];
  const row = await db.one<{ n: number; example: string | null }>(
    `select count(*)::integer as n, min(r.account_id) as example from ${ident(relation)} as r
     where r.account_id is not null and not exists (select 1 from ${ident(accounts)} as a where a.account_id = r.account_id)`,
  );
  return row && row.n > 0 ? [`${relation}: ${row.n} row(s) name an account that ${accounts} does not have, e.g. "${row.example}"`] : [];
}
