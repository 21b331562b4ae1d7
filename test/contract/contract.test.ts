import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/core/paths.ts";
import { columnsOf, SQL_TYPES } from "../../src/contract/introspect.ts";
import { TABLES } from "../../src/contract/tables.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { ingest } from "../../src/ingest/ingest.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse } from "../helpers/warehouse.ts";

describe("export contract", () => {
  it("reads types, ranges, enums and references back from the zod schemas", () => {
    const tickets = columnsOf(TABLES.find((t) => t.name === "support_tickets")!);
    expect(tickets.find((c) => c.name === "severity")).toMatchObject({ type: "text", required: true, values: ["P0", "P1", "P2", "P3"] });
    expect(tickets.find((c) => c.name === "csat_score")).toMatchObject({
      type: "integer",
      required: false,
      optional: true,
      min: 1,
      max: 5,
    });
    expect(tickets.find((c) => c.name === "account_id")).toMatchObject({ references: { table: "accounts", column: "account_id" } });
    expect(tickets.find((c) => c.name === "opened_at")).toMatchObject({ type: "timestamp", mayBeFuture: false });
  });

  it("every key column and foreign key names a real column", () => {
    for (const table of TABLES) {
      const names = columnsOf(table).map((c) => c.name);
      for (const key of table.key) expect(names, `${table.name}.${key}`).toContain(key);
      for (const column of columnsOf(table)) {
        if (!column.references) continue;
        const target = TABLES.find((t) => t.name === column.references!.table);
        expect(target, `${table.name}.${column.name}`).toBeDefined();
        expect(target!.key).toEqual([column.references.column]);
      }
    }
  });

  it("each staging model yields exactly the contract's columns and types", async () => {
    const dir = writeCsvWarehouse(path.join(tempDir(), "w"), tinyWarehouse());
    await withDatabase(async (db) => {
      await ingest(db, dir);
      for (const table of TABLES) {
        const described = await db.all<{ column_name: string; column_type: string }>(`describe stg_${table.name}`);
        const expected = [
          ...columnsOf(table).map((c) => [c.name, SQL_TYPES[c.type].toUpperCase()]),
          ["_source_file", "VARCHAR"],
          ["_source_row", "BIGINT"],
        ];
        expect(
          described.map((d) => [d.column_name, d.column_type]),
          table.name,
        ).toEqual(expected);
      }
    });
  });

  it("data/README.md documents the contract tables", () => {
    const docs = readFileSync(path.join(PROJECT_ROOT, "data", "README.md"), "utf8");
    for (const table of TABLES) expect(docs).toContain(`### \`${table.name}\` (${table.presence})`);
  });
});
