/**
 * A small but varied warehouse for the site's tests: `accounts` customers over `weeks` weeks with
 * healthy, declining, churned, "satisfied but disengaged" and growing accounts, so every page has
 * something to show. Deterministic for a seed. One account carries a hostile name to prove names
 * render as text, and every contact has an e-mail address the site must never publish.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
// types only: warehouse.ts imports vitest, and scripts (npm start's fallback demo) use this module too
import type { Row, Tables } from "./warehouse.ts";

export const HOSTILE_NAME = "<img src=x onerror=alert(1)>";
export const HOSTILE_ACCOUNT_ID = "A0003";

export interface SiteWarehouseOptions {
  accounts?: number;
  weeks?: number;
  seed?: number;
  /** The export instant (default Monday 2025-07-07 00:00 UTC; the site test exports on a Wednesday). */
  exportedAt?: string;
}

type Profile = "healthy" | "declining" | "churned" | "quiet_promoter" | "growing";
const PROFILES: Profile[] = [
  "healthy",
  "declining",
  "healthy",
  "churned",
  "growing",
  "healthy",
  "quiet_promoter",
  "declining",
  "healthy",
  "churned",
];
const SEGMENTS = ["enterprise", "mid_market", "smb"] as const;
const CSMS = ["Dana Ortiz", "Lee Park", "Sam Rivera", "Kim Novak"];
const FEATURES = ["reports", "dashboards", "alerts", "exports", "api"];
const NAMES = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Vandelay",
  "Stark",
  "Wayne",
  "Wonka",
  "Tyrell",
  "Soylent",
  "Cyberdyne",
  "Gringotts",
  "Oscorp",
  "Pied Piper",
  "Aperture",
  "Monarch",
  "Dunder",
  "Sterling",
  "Prestige",
];

/** A warehouse as tables of rows (write it with `writeCsvWarehouse`). */
export function siteWarehouse(options: SiteWarehouseOptions = {}): Tables {
  const n = options.accounts ?? 40;
  const weeks = options.weeks ?? 30;
  const exportedAt = new Date(options.exportedAt ?? "2025-07-07T00:00:00Z");
  const random = mulberry32(options.seed ?? 7);
  const day = 86_400_000;
  const firstMonday = new Date(exportedAt.getTime() - weeks * 7 * day);
  const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");
  const date = (d: Date) => d.toISOString().slice(0, 10);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const tables: Tables = {
    accounts: [],
    contacts: [],
    usage_daily: [],
    support_tickets: [],
    survey_responses: [],
    feature_requests: [],
    features: FEATURES.map((feature) => ({ feature, is_core: feature !== "api", min_plan: feature === "api" ? "enterprise" : null })),
    fit_assessments: [],
    external_risk_events: [],
    trainings: [],
    subscription_changes: [],
    interventions: [],
  };
  for (let i = 1; i <= n; i++) {
    const id = `A${String(i).padStart(4, "0")}`;
    const profile = PROFILES[(i - 1) % PROFILES.length]!;
    const segment = SEGMENTS[i % SEGMENTS.length]!;
    const seats = segment === "enterprise" ? 40 : segment === "mid_market" ? 15 : 6;
    const arr = Math.round((seats * between(900, 1400)) / 100) * 100;
    const start = new Date(firstMonday.getTime() - Math.floor(between(60, 500)) * day);
    const churnWeek = profile === "churned" ? Math.floor(between(weeks * 0.6, weeks - 2)) : null;
    const churnedAt = churnWeek === null ? null : new Date(firstMonday.getTime() + (churnWeek * 7 + 3) * day);
    const renewal = new Date(exportedAt.getTime() + Math.floor(between(-20, 330)) * day);
    const name =
      i === 3
        ? HOSTILE_NAME
        : `${NAMES[(i - 1) % NAMES.length]} ${["Corp", "Ltd", "GmbH", "& Sons", "Labs"][Math.floor(i / NAMES.length) % 5]}`;
    tables.accounts!.push({
      account_id: id,
      account_name: name,
      segment,
      industry: pick(["Retail", "Energy", "Software", "Finance"]),
      region: pick(["NA", "EMEA", "APAC"]),
      plan: segment === "enterprise" ? "enterprise" : pick(["starter", "growth"]),
      arr,
      seats_purchased: seats,
      contract_start_date: date(start),
      renewal_date: date(churnedAt ?? renewal),
      csm_owner: CSMS[i % CSMS.length]!,
      churned_at: churnedAt ? iso(churnedAt) : null,
      churn_reason: churnedAt ? pick(["budget", "competitor", "no adoption"]) : null,
    });
    tables.subscription_changes!.push({
      change_id: `SC${i}`,
      account_id: id,
      changed_at: iso(start),
      kind: "new",
      seats,
      plan: "growth",
      arr,
    });
    tables.fit_assessments!.push({
      assessment_id: `F${i}`,
      account_id: id,
      assessed_at: iso(start),
      fit_score: profile === "healthy" || profile === "growing" ? 80 : 45,
      has_executive_sponsor: profile !== "churned",
      has_long_term_strategy: profile === "healthy",
      implementation_readiness: profile === "churned" ? 2 : 4,
    });

    // People: a champion, a sponsor, users. Declining and churned accounts lose their champion.
    const users = Math.max(3, Math.round(seats * (profile === "growing" ? 0.95 : 0.6)));
    const contactCount = Math.min(users, 8);
    const champLeaves = profile === "declining" || profile === "churned" ? Math.floor(weeks * 0.55) : null;
    for (let c = 1; c <= contactCount; c++) {
      const role = c === 1 ? "champion" : c === 2 ? "executive_sponsor" : c === 3 ? "admin" : "end_user";
      const leftAt = c === 1 && champLeaves !== null ? new Date(firstMonday.getTime() + champLeaves * 7 * day) : null;
      tables.contacts!.push({
        contact_id: `${id}-C${c}`,
        account_id: id,
        full_name: `${pick(["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hana"])} ${pick(["Arbor", "Brown", "Chen", "Diaz", "Egan", "Fox"])}`,
        email: `person${c}.${id.toLowerCase()}@customer.example`,
        role,
        is_key: c <= 3,
        joined_at: iso(start),
        left_at: leftAt ? iso(leftAt) : null,
      });
      if (c === 1)
        tables.trainings!.push({
          training_id: `TR${i}`,
          account_id: id,
          contact_id: `${id}-C1`,
          course: "Admin basics",
          kind: "course",
          completed_at: iso(new Date(start.getTime() + 30 * day)),
        });
    }

    // Weekly usage per contact: level depends on the profile and the week.
    for (let w = 0; w < weeks; w++) {
      const weekStart = new Date(firstMonday.getTime() + w * 7 * day);
      if (churnWeek !== null && w >= churnWeek) break;
      const t = w / (weeks - 1);
      const level =
        profile === "healthy"
          ? 1
          : profile === "growing"
            ? 0.7 + 0.5 * t
            : profile === "declining"
              ? t < 0.5
                ? 1
                : 1 - 1.4 * (t - 0.5)
              : profile === "quiet_promoter"
                ? t < 0.4
                  ? 1
                  : Math.max(0.15, 1 - 1.6 * (t - 0.4))
                : Math.max(0.05, 1 - 1.3 * t); // churned
      for (let c = 1; c <= contactCount; c++) {
        const left = c === 1 && champLeaves !== null && w >= champLeaves;
        if (left || random() > Math.min(1, level) * 0.95) continue;
        for (const feature of FEATURES.slice(0, profile === "growing" ? 5 : 3)) {
          if (random() > level) continue;
          const events = Math.max(1, Math.round(between(3, 12) * level));
          tables.usage_daily!.push({
            usage_date: date(new Date(weekStart.getTime() + Math.floor(random() * 5) * day)),
            account_id: id,
            contact_id: `${id}-C${c}`,
            feature,
            event_count: events,
            quantity: events,
          });
        }
      }
    }

    // Support tickets, surveys, requests, risk events.
    const ticketCount = profile === "declining" || profile === "churned" ? 6 : 2;
    for (let k = 1; k <= ticketCount; k++) {
      const opened = new Date(firstMonday.getTime() + Math.floor(between(0, weeks * 7 - 3)) * day);
      if (churnedAt && opened >= churnedAt) continue;
      const open = (profile === "declining" || profile === "churned") && k > ticketCount - 2;
      tables.support_tickets!.push({
        ticket_id: `${id}-T${k}`,
        account_id: id,
        contact_id: `${id}-C${1 + (k % 2)}`,
        opened_at: iso(opened),
        closed_at: open ? null : iso(new Date(opened.getTime() + between(1, 4) * day)),
        severity: open ? pick(["P0", "P1"]) : pick(["P2", "P3"]),
        kind: open ? "bug" : "question",
        status: open ? "open" : "closed",
        csat_score: open ? null : profile === "churned" ? 2 : 5,
      });
    }
    for (let k = 1; k <= 3; k++) {
      const at = new Date(firstMonday.getTime() + Math.floor((k / 3.2) * weeks * 7) * day);
      if (churnedAt && at >= churnedAt) continue;
      const nps =
        profile === "healthy" || profile === "quiet_promoter" || profile === "growing" ? 9 + (k % 2) : profile === "declining" ? 6 - k : 3;
      tables.survey_responses!.push({
        response_id: `${id}-S${k}`,
        account_id: id,
        contact_id: `${id}-C${k}`,
        responded_at: iso(at),
        nps,
        csat: nps >= 9 ? 5 : 2,
        ces: nps >= 9 ? 6 : 3,
        comment: k === 1 ? `Write to person1.${id.toLowerCase()}@customer.example about it` : nps >= 9 ? "Great product" : "Too slow",
      });
    }
    if (profile === "declining" || profile === "growing") {
      tables.feature_requests!.push({
        request_id: `${id}-R1`,
        account_id: id,
        feature: profile === "growing" ? "api" : "sso",
        priority: "critical",
        status: "open",
        requested_at: iso(new Date(firstMonday.getTime() + 20 * day)),
        shipped_at: null,
        declined_at: null,
      });
    }
    // what the team did: a call at declining and churned accounts; the hostile account's owner is
    // its name and an e-mail address, which the site must show as text and withhold
    if (profile === "declining" || profile === "churned" || i === 3) {
      const started = new Date(firstMonday.getTime() + Math.floor(weeks * 0.6) * 7 * day + 2 * day);
      tables.interventions!.push({
        intervention_id: `${id}-I1`,
        account_id: id,
        started_at: iso(started),
        completed_at: iso(new Date(started.getTime() + 5 * day)),
        kind: i === 3 ? HOSTILE_NAME : "executive call",
        owner: i === 3 ? HOSTILE_NAME : CSMS[i % CSMS.length]!,
        alert_id: null,
        outcome: profile === "churned" ? "churned" : "retained",
      });
      if (i === 3) {
        tables.interventions!.push({
          intervention_id: `${id}-I2`,
          account_id: id,
          started_at: iso(new Date(started.getTime() + 14 * day)),
          completed_at: null,
          kind: "follow-up",
          owner: `Dana Ortiz <dana.ortiz@customer.example>`,
          alert_id: null,
          outcome: null,
        });
      }
    }
    if (profile === "churned" && i % 20 === 4) {
      tables.external_risk_events!.push({
        event_id: `${id}-E1`,
        account_id: id,
        occurred_at: iso(new Date(firstMonday.getTime() + 40 * day)),
        kind: "layoffs",
        severity: "high",
        description: "Cut staff",
      });
    }
  }
  return tables;
}

/** Writes `siteWarehouse(options)` to `dir` as CSV files plus export.json; returns `dir`. */
export function writeSiteWarehouse(dir: string, options: SiteWarehouseOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, rows] of Object.entries(siteWarehouse(options))) {
    if (rows.length > 0) writeFileSync(path.join(dir, `${name}.csv`), csv(rows));
  }
  writeFileSync(path.join(dir, "export.json"), JSON.stringify({ exported_at: options.exportedAt ?? "2025-07-07T00:00:00Z" }));
  return dir;
}

function csv(rows: Row[]): string {
  const columns = Object.keys(rows[0]!);
  const cell = (v: Row[string] | undefined) => {
    if (v === null || v === undefined) return "";
    const text = String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n")}\n`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
