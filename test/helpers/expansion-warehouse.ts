/**
 * Accounts with and without growth signals, on the behaviour warehouse (26 weeks, export Monday
 * 2025-06-30, ARR 1,000 per seat, plan growth). Features: four core ones and an enterprise-only
 * "sso" and "audit_log", a growth-plan "themes".
 */
import { behaviourWarehouse, type Behaviour } from "./behaviour.ts";
import { at } from "./alert-warehouse.ts";
import type { Tables } from "./warehouse.ts";

const steady = (over: Partial<Behaviour> & { id: string }): Behaviour => ({ seats: 10, users: 5, nps: 8, eventsPerUser: () => 8, ...over });

export function expansionWarehouse(): Tables {
  const tables = behaviourWarehouse([
    // 20 seats; 12 users until week 17, then 17: 19 active with champion and sponsor (95%), up 36% over 8 weeks
    steady({ id: "NEAR_CAP_BIG", seats: 20, users: 17, eventsPerUser: (w, u) => (u < (w < 18 ? 12 : 17) ? 8 : 0) }),
    // 5 seats, 3 users plus champion and sponsor: 100% used, steady
    steady({ id: "NEAR_CAP_SMALL", seats: 5, users: 3 }),
    // 70% used, asks for enterprise features
    steady({ id: "PLAN_UPGRADE" }),
    // 70% used, starts using two more core features in the last 4 weeks
    steady({ id: "BROADER" }),
    // 70% used, nothing growing
    steady({ id: "NO_SIGNAL" }),
    // near its cap but bankrupt: capped below the expansion threshold
    steady({ id: "NEAR_CAP_BANKRUPT", seats: 5, users: 3 }),
    // near its cap four months after signing: still onboarding
    steady({ id: "NEAR_CAP_NEW", seats: 5, users: 3 }),
  ]);
  Object.assign(tables.accounts!.find((a) => a.account_id === "NEAR_CAP_NEW")!, {
    contract_start_date: "2025-03-01",
    renewal_date: "2026-03-01",
  });
  tables.features = [
    { feature: "reports", is_core: true, min_plan: null },
    { feature: "dashboards", is_core: true, min_plan: null },
    { feature: "exports", is_core: true, min_plan: null },
    { feature: "alerts", is_core: true, min_plan: null },
    { feature: "themes", is_core: false, min_plan: "growth" },
    { feature: "sso", is_core: false, min_plan: "enterprise" },
    { feature: "audit_log", is_core: false, min_plan: "enterprise" },
  ];
  for (let w = 22; w < 26; w++) {
    for (const feature of ["exports", "alerts"]) {
      tables.usage_events!.push({ occurred_at: at(w, 2, 11), account_id: "BROADER", contact_id: "BROADER-u0", feature, quantity: 1 });
    }
  }
  const request = (id: string, account: string, feature: string, status: string, requested = at(10), declined: string | null = null) => ({
    request_id: id,
    account_id: account,
    feature,
    priority: "high",
    status,
    requested_at: requested,
    shipped_at: null,
    declined_at: declined,
  });
  tables.feature_requests = [
    request("R1", "PLAN_UPGRADE", "sso", "open"),
    request("R2", "PLAN_UPGRADE", "audit_log", "planned"),
    // asked again for the same feature, and told no: still a want only an upgrade meets
    request("R3", "PLAN_UPGRADE", "sso", "declined", at(20), at(22)),
    // its own plan's feature, an enterprise feature asked for over a year before the export, and a
    // single recent ask for another: no signal
    request("R4", "NO_SIGNAL", "themes", "open"),
    request("R5", "NO_SIGNAL", "sso", "open", "2024-05-06T10:00:00Z"),
    request("R6", "NO_SIGNAL", "audit_log", "open"),
  ];
  tables.external_risk_events = [
    { event_id: "E1", account_id: "NEAR_CAP_BANKRUPT", occurred_at: at(20), kind: "bankruptcy", severity: "high", description: null },
  ];
  return tables;
}
