/**
 * Builds small warehouses on disk for tests: rows as plain objects, written as CSV (or converted to
 * Parquet by DuckDB), plus export.json. Tests start from `tinyWarehouse()` and change what they probe.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

export type Row = Record<string, string | number | boolean | null>;
export type Tables = Record<string, Row[]>;

export const EXPORTED_AT = "2025-07-07T00:00:00Z";

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = "health-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes each table as `<name>.csv` (header from the first row's keys) and export.json. */
export function writeCsvWarehouse(dir: string, tables: Tables, exportedAt: string | null = EXPORTED_AT): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, rows] of Object.entries(tables)) writeFileSync(path.join(dir, `${name}.csv`), toCsv(rows));
  if (exportedAt) writeFileSync(path.join(dir, "export.json"), JSON.stringify({ exported_at: exportedAt }));
  return dir;
}

export function toCsv(rows: Row[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  const cell = (v: Row[string] | undefined) => {
    if (v === null || v === undefined) return "";
    const text = String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n")}\n`;
}

/**
 * Three accounts over about six months, every table present. ACME is healthy, GLOBEX quiet,
 * INITECH churned in June.
 */
export function tinyWarehouse(): Tables {
  const accounts: Row[] = [
    {
      account_id: "ACME",
      account_name: "Acme & Co <b>bold</b>",
      segment: "mid_market",
      industry: "Retail",
      region: "NA",
      plan: "growth",
      arr: 24000,
      seats_purchased: 10,
      contract_start_date: "2024-06-01",
      renewal_date: "2025-06-01",
      csm_owner: "Dana",
      churned_at: null,
      churn_reason: null,
    },
    {
      account_id: "GLOBEX",
      account_name: "Globex",
      segment: "smb",
      industry: "Energy",
      region: "EMEA",
      plan: "starter",
      arr: 6000,
      seats_purchased: 5,
      contract_start_date: "2025-01-06",
      renewal_date: "2026-01-06",
      csm_owner: "Lee",
      churned_at: null,
      churn_reason: null,
    },
    {
      account_id: "INITECH",
      account_name: "Initech",
      segment: "smb",
      industry: "Software",
      region: "NA",
      plan: "starter",
      arr: 4800,
      seats_purchased: 4,
      contract_start_date: "2024-06-15",
      renewal_date: "2025-06-15",
      csm_owner: "Dana",
      churned_at: "2025-06-15T00:00:00Z",
      churn_reason: "budget",
    },
  ];
  const contacts: Row[] = [
    {
      contact_id: "C1",
      account_id: "ACME",
      full_name: "Ann Arbor",
      email: "ann@acme.example",
      role: "champion",
      is_key: true,
      joined_at: "2024-06-01T00:00:00Z",
      left_at: null,
    },
    {
      contact_id: "C2",
      account_id: "ACME",
      full_name: "Bo Brown",
      email: "bo@acme.example",
      role: "executive_sponsor",
      is_key: true,
      joined_at: "2024-06-01T00:00:00Z",
      left_at: null,
    },
    {
      contact_id: "C3",
      account_id: "ACME",
      full_name: "Cy Chen",
      email: "cy@acme.example",
      role: "end_user",
      is_key: false,
      joined_at: "2024-06-01T00:00:00Z",
      left_at: null,
    },
    {
      contact_id: "C4",
      account_id: "GLOBEX",
      full_name: "Di Diaz",
      email: "di@globex.example",
      role: "champion",
      is_key: true,
      joined_at: "2025-01-06T00:00:00Z",
      left_at: null,
    },
    {
      contact_id: "C5",
      account_id: "INITECH",
      full_name: "Ed Egan",
      email: "ed@initech.example",
      role: "champion",
      is_key: true,
      joined_at: "2024-06-15T00:00:00Z",
      left_at: "2025-04-01T00:00:00Z",
    },
    {
      contact_id: "C6",
      account_id: "INITECH",
      full_name: "Flo Fox",
      email: "flo@initech.example",
      role: "end_user",
      is_key: false,
      joined_at: "2024-06-15T00:00:00Z",
      left_at: null,
    },
  ];
  const usage_events: Row[] = [];
  const days = ["2025-01-06", "2025-02-03", "2025-03-03", "2025-04-07", "2025-05-05", "2025-06-02", "2025-06-30"];
  for (const day of days) {
    usage_events.push({ occurred_at: `${day}T09:00:00Z`, account_id: "ACME", contact_id: "C1", feature: "reports", quantity: 2 });
    usage_events.push({ occurred_at: `${day}T10:30:00Z`, account_id: "ACME", contact_id: "C3", feature: "dashboards", quantity: 1 });
    usage_events.push({ occurred_at: `${day}T11:00:00Z`, account_id: "GLOBEX", contact_id: "C4", feature: "reports", quantity: 1 });
    if (day < "2025-04-01")
      usage_events.push({ occurred_at: `${day}T12:00:00Z`, account_id: "INITECH", contact_id: "C5", feature: "reports", quantity: 1 });
  }
  usage_events.push({ occurred_at: "2025-03-04T08:00:00Z", account_id: "ACME", contact_id: null, feature: "api", quantity: 40 });
  return {
    accounts,
    contacts,
    features: [
      { feature: "reports", is_core: true, min_plan: null },
      { feature: "dashboards", is_core: true, min_plan: null },
      { feature: "api", is_core: false, min_plan: "enterprise" },
    ],
    usage_events,
    support_tickets: [
      {
        ticket_id: "T1",
        account_id: "ACME",
        contact_id: "C1",
        opened_at: "2025-03-10T09:00:00Z",
        closed_at: "2025-03-11T09:00:00Z",
        severity: "P2",
        kind: "question",
        status: "closed",
        csat_score: 5,
      },
      {
        ticket_id: "T2",
        account_id: "INITECH",
        contact_id: "C6",
        opened_at: "2025-05-01T09:00:00Z",
        closed_at: null,
        severity: "P0",
        kind: "bug",
        status: "open",
        csat_score: null,
      },
    ],
    survey_responses: [
      {
        response_id: "S1",
        account_id: "ACME",
        contact_id: "C1",
        responded_at: "2025-04-01T00:00:00Z",
        nps: 9,
        csat: null,
        ces: null,
        comment: 'Great, "really" great',
      },
      {
        response_id: "S2",
        account_id: "INITECH",
        contact_id: "C6",
        responded_at: "2025-04-02T00:00:00Z",
        nps: 3,
        csat: 2,
        ces: 2,
        comment: null,
      },
    ],
    feature_requests: [
      {
        request_id: "R1",
        account_id: "ACME",
        feature: "sso",
        priority: "high",
        status: "open",
        requested_at: "2025-02-01T00:00:00Z",
        shipped_at: null,
        declined_at: null,
      },
    ],
    onboarding_projects: [
      {
        project_id: "P1",
        account_id: "GLOBEX",
        started_at: "2025-01-06T00:00:00Z",
        target_go_live_date: "2025-02-05",
        go_live_at: "2025-02-20T00:00:00Z",
      },
    ],
    onboarding_status_updates: [
      { project_id: "P1", updated_at: "2025-01-06T00:00:00Z", status: "green" },
      { project_id: "P1", updated_at: "2025-01-27T00:00:00Z", status: "yellow" },
    ],
    trainings: [
      {
        training_id: "TR1",
        account_id: "ACME",
        contact_id: "C1",
        course: "Admin basics",
        kind: "certification",
        completed_at: "2024-07-01T00:00:00Z",
      },
    ],
    fit_assessments: [
      {
        assessment_id: "F1",
        account_id: "ACME",
        assessed_at: "2024-06-01T00:00:00Z",
        fit_score: 80,
        has_executive_sponsor: true,
        has_long_term_strategy: true,
        implementation_readiness: 4,
      },
    ],
    external_risk_events: [
      {
        event_id: "E1",
        account_id: "INITECH",
        occurred_at: "2025-05-20T00:00:00Z",
        kind: "layoffs",
        severity: "medium",
        description: "Cut 20% of staff",
      },
    ],
    subscription_changes: [
      { change_id: "SC1", account_id: "ACME", changed_at: "2024-06-01T00:00:00Z", kind: "new", seats: 10, plan: "growth", arr: 24000 },
    ],
    interventions: [
      {
        intervention_id: "I1",
        account_id: "ACME",
        started_at: "2025-06-10T09:00:00Z",
        completed_at: "2025-06-12T16:00:00Z",
        kind: "executive call",
        owner: "Dana",
        alert_id: "ACME|score_drop|2025-06-08",
        outcome: "retained",
      },
      {
        intervention_id: "I2",
        account_id: "INITECH",
        started_at: "2025-05-21T09:00:00Z",
        completed_at: null,
        kind: "rescue plan",
        owner: null,
        alert_id: null,
        outcome: null,
      },
    ],
  };
}
