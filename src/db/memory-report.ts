/**
 * What DuckDB's buffer manager holds, by kind (duckdb_memory()): said beside a model's build time
 * with HEALTH_LOG_MODELS and added to an out-of-memory error, so that a run that ran out of memory
 * tells whether the tables kept from earlier models or the failing query's own work filled the limit.
 */
import type { Database } from "./duckdb.ts";

type MemoryRow = { tag: string; memory: number; spilled: number };

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GB`;

/** "1.84 GB in memory (IN_MEMORY_TABLE 1.20 GB, HASH_TABLE 0.52 GB), 3.10 GB spilled": kinds of at least 10 MB. */
export async function memoryReport(db: Database): Promise<string> {
  const rows = await db.all<MemoryRow>(
    `select tag, memory_usage_bytes::double as memory, temporary_storage_bytes::double as spilled
     from duckdb_memory() order by memory_usage_bytes desc, tag`,
  );
  const memory = rows.reduce((sum, r) => sum + r.memory, 0);
  const spilled = rows.reduce((sum, r) => sum + r.spilled, 0);
  const kinds = rows.filter((r) => r.memory >= 10 * 2 ** 20).map((r) => `${r.tag} ${gb(r.memory)}`);
  return `${gb(memory)} in memory${kinds.length > 0 ? ` (${kinds.join(", ")})` : ""}, ${gb(spilled)} spilled`;
}

/** DuckDB's out-of-memory errors ("Out of Memory Error: failed to allocate ..."). */
export function isOutOfMemory(error: unknown): boolean {
  return /out of memory/i.test((error as Error)?.message ?? "");
}
