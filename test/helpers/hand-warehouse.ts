/**
 * A hand-built warehouse whose measures were worked out on paper (see engine.test.ts). Export on
 * Monday 2025-03-03, usage from Monday 2024-12-02: 13 scored weeks, the last ending 2025-03-02.
 */
import type { Row, Tables } from "./warehouse.ts";

export const HAND_EXPORT = "2025-03-03T00:00:00Z";
export const LAST_WEEK_END = "2025-03-02";

/** Mondays from 2024-12-02 to 2025-02-24. */
export const MONDAYS = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2024, 11, 2 + 7 * i)).toISOString().slice(0, 10));

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

export function handWarehouse(): Tables {
  const usage: Row[] = [];
  const event = (day: string, time: string, account: string, contact: string | null, feature: string) =>
    usage.push({ occurred_at: `${day}T${time}Z`, account_id: account, contact_id: contact, feature, quantity: 1 });
  for (const [i, monday] of MONDAYS.entries()) {
    // A1's champion works Mondays and Tuesdays, two report events each day
    for (const day of [monday, addDays(monday, 1)]) {
      event(day, "09:00:00", "A1", "A1-champ", "reports");
      event(day, "10:00:00", "A1", "A1-champ", "reports");
    }
    // A1's first end user only in the last four weeks, one dashboard event on Mondays
    if (i >= 9) event(monday, "11:00:00", "A1", "A1-u1", "dashboards");
    // A2 and A3 keep a steady trickle
    event(monday, "12:00:00", "A2", "A2-champ", "reports");
    event(monday, "12:00:00", "A3", "A3-champ", "reports");
  }
  event("2024-12-10", "15:00:00", "A1", "A1-spons", "reports");
  event("2024-12-11", "15:00:00", "A1", null, "api");

  const contact = (
    contact_id: string,
    account_id: string,
    role: string,
    is_key: boolean,
    joined_at: string,
    left_at: string | null = null,
  ): Row => ({
    contact_id,
    account_id,
    full_name: contact_id,
    email: `${contact_id}@example.com`,
    role,
    is_key,
    joined_at,
    left_at,
  });
  return {
    accounts: [
      {
        account_id: "A1",
        account_name: "Alpha",
        segment: "smb",
        industry: null,
        region: "NA",
        plan: "growth",
        arr: 12000,
        seats_purchased: 4,
        contract_start_date: "2024-01-01",
        renewal_date: "2026-01-01",
        csm_owner: "Kim",
        churned_at: null,
        churn_reason: null,
      },
      {
        account_id: "A2",
        account_name: "Beta",
        segment: "smb",
        industry: null,
        region: "NA",
        plan: "starter",
        arr: 3000,
        seats_purchased: 2,
        contract_start_date: "2025-01-06",
        renewal_date: "2026-01-06",
        csm_owner: "Kim",
        churned_at: null,
        churn_reason: null,
      },
      {
        account_id: "A3",
        account_name: "Gamma",
        segment: "smb",
        industry: null,
        region: "NA",
        plan: "starter",
        arr: 3000,
        seats_purchased: 2,
        contract_start_date: "2024-12-02",
        renewal_date: "2025-12-02",
        csm_owner: "Kim",
        churned_at: null,
        churn_reason: null,
      },
    ],
    contacts: [
      contact("A1-champ", "A1", "champion", true, "2024-01-01T00:00:00Z"),
      contact("A1-spons", "A1", "executive_sponsor", true, "2024-01-01T00:00:00Z"),
      contact("A1-u1", "A1", "end_user", false, "2024-01-01T00:00:00Z"),
      contact("A1-u2", "A1", "end_user", false, "2024-01-01T00:00:00Z"),
      contact("A1-gone", "A1", "champion", true, "2024-01-01T00:00:00Z", "2025-01-15T00:00:00Z"),
      contact("A2-champ", "A2", "champion", true, "2025-01-06T00:00:00Z"),
      contact("A3-champ", "A3", "champion", true, "2024-12-02T00:00:00Z"),
    ],
    features: [
      { feature: "reports", is_core: true, min_plan: null },
      { feature: "dashboards", is_core: true, min_plan: null },
      { feature: "exports", is_core: true, min_plan: null },
      { feature: "api", is_core: false, min_plan: "enterprise" },
    ],
    usage_events: usage,
    support_tickets: [
      {
        ticket_id: "T1",
        account_id: "A1",
        contact_id: "A1-champ",
        opened_at: "2025-02-20T10:00:00Z",
        closed_at: null,
        severity: "P0",
        kind: "bug",
        status: "open",
        csat_score: null,
      },
      {
        ticket_id: "T2",
        account_id: "A1",
        contact_id: "A1-champ",
        opened_at: "2025-01-05T10:00:00Z",
        closed_at: "2025-01-10T10:00:00Z",
        severity: "P2",
        kind: "bug",
        status: "closed",
        csat_score: 2,
      },
      {
        ticket_id: "T3",
        account_id: "A1",
        contact_id: "A1-u1",
        opened_at: "2025-02-26T10:00:00Z",
        closed_at: null,
        severity: "P1",
        kind: "incident",
        status: "open",
        csat_score: null,
      },
      {
        ticket_id: "T4",
        account_id: "A1",
        contact_id: "A1-u1",
        opened_at: "2025-02-26T10:00:00Z",
        closed_at: null,
        severity: "P3",
        kind: "question",
        status: "open",
        csat_score: null,
      },
    ],
    survey_responses: [
      {
        response_id: "S1",
        account_id: "A1",
        contact_id: "A1-champ",
        responded_at: "2024-06-01T00:00:00Z",
        nps: 9,
        csat: null,
        ces: null,
        comment: null,
      },
      {
        response_id: "S2",
        account_id: "A1",
        contact_id: "A1-u1",
        responded_at: "2024-12-15T00:00:00Z",
        nps: 5,
        csat: null,
        ces: 6,
        comment: null,
      },
      {
        response_id: "S3",
        account_id: "A1",
        contact_id: "A1-champ",
        responded_at: "2025-02-01T00:00:00Z",
        nps: 10,
        csat: 4,
        ces: null,
        comment: null,
      },
    ],
    feature_requests: [
      {
        request_id: "R1",
        account_id: "A1",
        feature: "audit log",
        priority: "critical",
        status: "open",
        requested_at: "2025-01-01T00:00:00Z",
        shipped_at: null,
        declined_at: null,
      },
      {
        request_id: "R2",
        account_id: "A1",
        feature: "sso",
        priority: "high",
        status: "open",
        requested_at: "2024-06-01T00:00:00Z",
        shipped_at: null,
        declined_at: null,
      },
      {
        request_id: "R3",
        account_id: "A1",
        feature: "sso",
        priority: "medium",
        status: "open",
        requested_at: "2025-02-01T00:00:00Z",
        shipped_at: null,
        declined_at: null,
      },
      {
        request_id: "R4",
        account_id: "A1",
        feature: "themes",
        priority: "critical",
        status: "shipped",
        requested_at: "2024-10-01T00:00:00Z",
        shipped_at: "2025-01-01T00:00:00Z",
        declined_at: null,
      },
    ],
    onboarding_projects: [
      { project_id: "P2", account_id: "A2", started_at: "2025-01-06T00:00:00Z", target_go_live_date: "2025-02-05", go_live_at: null },
      {
        project_id: "P3",
        account_id: "A3",
        started_at: "2024-12-02T00:00:00Z",
        target_go_live_date: "2024-12-31",
        go_live_at: "2024-12-22T00:00:00Z",
      },
    ],
    onboarding_status_updates: [
      { project_id: "P2", updated_at: "2025-01-06T00:00:00Z", status: "green" },
      { project_id: "P2", updated_at: "2025-01-20T00:00:00Z", status: "yellow" },
      { project_id: "P2", updated_at: "2025-02-10T00:00:00Z", status: "red" },
      { project_id: "P3", updated_at: "2024-12-02T00:00:00Z", status: "green" },
    ],
    trainings: [
      {
        training_id: "TR1",
        account_id: "A1",
        contact_id: "A1-champ",
        course: "Reporting 101",
        kind: "course",
        completed_at: "2024-03-01T00:00:00Z",
      },
    ],
    fit_assessments: [
      {
        assessment_id: "F1",
        account_id: "A1",
        assessed_at: "2024-01-05T00:00:00Z",
        fit_score: 70,
        has_executive_sponsor: true,
        has_long_term_strategy: false,
        implementation_readiness: 3,
      },
    ],
    external_risk_events: [
      { event_id: "E1", account_id: "A1", occurred_at: "2025-01-20T00:00:00Z", kind: "layoffs", severity: "medium", description: null },
    ],
    subscription_changes: [
      { change_id: "SC1", account_id: "A1", changed_at: "2024-01-01T00:00:00Z", kind: "new", seats: 4, plan: "growth", arr: 12000 },
    ],
  };
}
