import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toCsv } from "../../reports/lib/csv.ts";
import { formatRecords } from "../../src/core/records.ts";
import { withDatabase } from "../../src/db/duckdb.ts";
import { copyCsv, csvText } from "../../src/output/csv.ts";

// Cells a CRM import trips on: formula-like text, separators, quotes, line breaks, lists, whole
// and fractional doubles, negative numbers, booleans, null and empty text, dates, timestamps.
const TRICKY = `
  select * from (values
    (1, 'Acme, Inc.', ['score fell 12 points', 'usage -30%'], 12000.0, -4.5, true, date '2026-03-01', '=HYPERLINK("x")', timestamp '2026-03-02 08:30:15.250'),
    (2, 'Quote "Q" Ltd', ['+1 seat', '@mention'], 0.1, -3.0, false, null, '-5 pts', null),
    (3, 'Line
break', [], 1234567.25, 0.0, null, date '2025-12-31', '', timestamp '2025-12-31 23:59:59'),
    (4, null, null, null, 1e-3, true, date '2026-01-05', '	tab first', timestamp '2026-01-05 00:00:00')
  ) t(n, name, drivers, arr, change, is_open, renewal_date, note, seen_at)
  order by n`;

describe("CSV written by DuckDB", () => {
  it("reads cell for cell as the one CSV rule renders the same rows, lists included", async () => {
    await withDatabase(async (db) => {
      const rows = await db.all<Record<string, unknown>>(
        `select * replace (strftime(renewal_date, '%Y-%m-%d') as renewal_date) from (${TRICKY})`,
      );
      // the rows as DuckDB hands them to Node, lists as arrays: no joining first
      expect(Array.isArray(rows[0]!.drivers)).toBe(true);
      const expected = toCsv(rows, Object.keys(rows[0]!));
      const text = await csvText(db, TRICKY);
      expect(text).toBe(expected);
      // the CLI's --format csv (health explain, check, formula...) prints by the same rule
      expect(formatRecords(rows, "csv")).toBe(text);
      // and the formula-like cells were defused, not dropped
      expect(text).toContain(`"'=HYPERLINK(""x"")"`);
      expect(text).toContain("'+1 seat; @mention");
      expect(text).toContain("12000,-4.5,true,2026-03-01");
    });
  });

  it("writes a header even when there are no rows, and keeps the query's order", async () => {
    await withDatabase(async (db) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "csv-test-"));
      const empty = path.join(dir, "empty.csv");
      await copyCsv(db, "select 1 as a, 'x' as b where false", empty);
      expect(readFileSync(empty, "utf8")).toBe("a,b\n");
      const ordered = path.join(dir, "ordered.csv");
      await copyCsv(db, "select range as n from range(100000) order by n desc", ordered);
      const lines = readFileSync(ordered, "utf8").trimEnd().split("\n");
      expect(lines.length).toBe(100001);
      expect(lines[1]).toBe("99999");
      expect(lines.at(-1)).toBe("0");
    });
  });
});
