/**
 * Small lookup tables the downstream stages word their reasons with: the measure catalogue (label
 * and unit of every measure) and the formula's per-kind alert playbooks. Values are bound, never spliced.
 */
import type { Database } from "../db/duckdb.ts";
import type { Formula } from "../formula/schema.ts";
import { MEASURES } from "../health/measures.ts";
import { sqlFile } from "../sql/files.ts";

/** Creates `measure_catalogue` (measure_id, label, unit) and the wording macros of src/sql/alerts/macros.sql. */
export async function loadMeasureCatalogue(db: Database): Promise<void> {
  await db.run(sqlFile("alerts/macros.sql"));
  await db.run("create or replace table measure_catalogue (measure_id varchar, label varchar, unit varchar)");
  for (const m of MEASURES) {
    await db.run("insert into measure_catalogue values ($id, $label, $unit)", { id: m.id, label: m.label, unit: m.unit });
  }
}

/** Creates `formula_alert_playbooks` (kind, playbook) from the formula's `alerts.playbooks`. */
export async function loadAlertPlaybooks(db: Database, formula: Formula): Promise<void> {
  await db.run("create or replace table formula_alert_playbooks (kind varchar, playbook varchar)");
  for (const [kind, playbook] of Object.entries(formula.alerts.playbooks)) {
    if (playbook) await db.run("insert into formula_alert_playbooks values ($kind, $playbook)", { kind, playbook });
  }
}
