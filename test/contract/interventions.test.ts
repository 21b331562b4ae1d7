/** The optional interventions export (issue 20): validated at the boundary like every other table. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withDatabase } from "../../src/db/duckdb.ts";
import { ingest } from "../../src/ingest/ingest.ts";
import { ValidationError, type Problem } from "../../src/ingest/problems.ts";
import { tempDir, tinyWarehouse, writeCsvWarehouse, type Tables } from "../helpers/warehouse.ts";

const root = tempDir();
let counter = 0;
function warehouse(change: (tables: Tables) => void = () => {}): string {
  const tables = tinyWarehouse();
  change(tables);
  return writeCsvWarehouse(path.join(root, `w${counter++}`), tables);
}

async function errorsOf(dir: string): Promise<Problem[]> {
  try {
    await withDatabase((db) => ingest(db, dir));
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
}

describe("interventions export", () => {
  it("stages interventions with their types, and is optional", async () => {
    const staged = await withDatabase(async (db) => {
      await ingest(db, warehouse());
      return db.all<Record<string, unknown>>(
        "select intervention_id, account_id, strftime(completed_at, '%Y-%m-%d') as completed, outcome from stg_interventions order by 1",
      );
    });
    expect(staged).toEqual([
      { intervention_id: "I1", account_id: "ACME", completed: "2025-06-12", outcome: "retained" },
      { intervention_id: "I2", account_id: "INITECH", completed: null, outcome: null },
    ]);
    expect(await errorsOf(warehouse((t) => delete t.interventions))).toEqual([]);
  });

  it("refuses an unknown account, an unknown outcome and a completion before the start, naming file and column", async () => {
    const dir = warehouse((t) => {
      t.interventions!.push({
        intervention_id: "I4",
        account_id: "ACME",
        started_at: "2025-06-01T00:00:00Z",
        completed_at: "2025-05-01T00:00:00Z",
        kind: "call",
        owner: null,
        alert_id: null,
        outcome: "saved",
      });
    });
    const problems = (await errorsOf(dir)).map((p) => `${p.file ? path.basename(p.file) : ""} ${p.column}: ${p.message}`).join("\n");
    expect(problems).toContain(
      'interventions.csv outcome: expected one of retained, churned, expanded, contracted, no_change; found "saved"',
    );
    expect(problems).toContain("interventions.csv completed_at: expected on or after started_at");
    const orphan = warehouse((t) => {
      t.interventions!.push({
        intervention_id: "I3",
        account_id: "NOPE",
        started_at: "2025-06-01T00:00:00Z",
        completed_at: null,
        kind: "call",
        owner: null,
        alert_id: null,
        outcome: null,
      });
    });
    const refs = (await errorsOf(orphan)).map((p) => `${p.column}: ${p.message}`).join("\n");
    expect(refs).toMatch(/account_id: .*accounts\.account_id/);
  });
});
