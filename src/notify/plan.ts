/**
 * What a notify run sends: the alerts due for each destination (by the routes, and not yet covered
 * by the ledger), grouped into messages with stable idempotency keys, plus the attempts a crashed
 * or failed run left unsent, which go first under their original keys.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { AlertRecord } from "../alerts/alerts.ts";
import { literal, withDatabase } from "../db/duckdb.ts";
import { InputError } from "../errors.ts";
import { SEVERITIES, WEEKDAYS, type Destination, type LoadedNotifyConfig, type Route } from "./config.ts";
import { pairKey, type LedgerState } from "./ledger.ts";

/** The alert fields a message carries (read from alerts.parquet in --out). */
export type NotifyAlert = Pick<
  AlertRecord,
  | "alert_id"
  | "account_id"
  | "account_name"
  | "kind"
  | "severity"
  | "raised_week_end"
  | "is_open"
  | "reason"
  | "drivers"
  | "playbook"
  | "score"
  | "tier"
  | "arr"
  | "renewal_date"
  | "days_to_renewal"
  | "csm_owner"
  | "last_seen_week_end"
>;

export interface Message {
  /** Idempotency key: per (alert, destination) for an immediate message, per digest content for a weekly one. */
  key: string;
  destination: string;
  type: Destination["type"];
  schedule: "immediate" | "weekly";
  recipients: string[];
  alerts: NotifyAlert[];
  /** Left unsent by an earlier run (crash, kill or failed endpoint) and sent again under its key. */
  resend: boolean;
}

export interface Plan {
  messages: Message[];
  /** Alerts waiting for their destination's weekly digest day. */
  waiting: { destination: string; alert_ids: string[]; next: string }[];
  /** Alerts that an email-to-CSM destination cannot address (no csm_addresses entry, no fallback). */
  unroutable: { destination: string; alert_id: string; account_name: string; csm_owner: string | null }[];
  /** Per destination: whether every alert due to it is in a message of this plan (so its window may advance). */
  complete: Map<string, boolean>;
  lastWeekEnd: string | null;
}

/** The key of one alert at one destination (also the CRM task id). */
export function alertKey(alertId: string, destination: string): string {
  return `hn-${createHash("sha256").update(`${alertId}\u0000${destination}`).digest("hex").slice(0, 32)}`;
}

function digestKey(destination: string, recipients: string[], alertIds: string[]): string {
  const text = [destination, recipients.join(","), ...[...alertIds].sort()].join("\u0000");
  return `hd-${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
}

/** Reads the alerts of a `health run` from `outDir`/alerts.parquet. */
export async function readAlerts(outDir: string): Promise<NotifyAlert[]> {
  const file = path.join(outDir, "alerts.parquet");
  try {
    return await withDatabase((db) =>
      db.all<NotifyAlert & Record<string, unknown>>(`
        select alert_id, account_id, account_name, kind, severity, strftime(raised_week_end, '%Y-%m-%d') as raised_week_end, is_open,
               reason, drivers, playbook, score::double as score, tier, arr::double as arr, strftime(renewal_date, '%Y-%m-%d') as renewal_date,
               days_to_renewal::integer as days_to_renewal, csm_owner, strftime(last_seen_week_end, '%Y-%m-%d') as last_seen_week_end
        from read_parquet(${literal(file)})
        order by case severity when 'high' then 0 when 'medium' then 1 else 2 end, raised_week_end desc, arr desc, account_id, kind`),
    );
  } catch (error) {
    throw new InputError(
      `cannot read the alerts ${file}: ${(error as Error).message.split("\n")[0]}; run "health run" (or "health alerts") with this --out first`,
    );
  }
}

const severityRank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);

function routeMatches(route: Route, alert: NotifyAlert): boolean {
  if (route.kinds && !(route.kinds as readonly string[]).includes(alert.kind)) return false;
  return severityRank(alert.severity) <= severityRank(route.min_severity);
}

/** The start (UTC midnight, YYYY-MM-DD) of the digest week that `today` falls in. */
export function digestWeekStart(today: string, day: (typeof WEEKDAYS)[number]): string {
  const date = new Date(`${today}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // 0 = Monday
  const back = (weekday - WEEKDAYS.indexOf(day) + 7) % 7;
  return new Date(date.getTime() - back * 86400000).toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + days * 86400000).toISOString().slice(0, 10);
}

export interface PlanOptions {
  /** Today (UTC, YYYY-MM-DD): decides which weekly digests are due. */
  today: string;
  /** Also take alerts raised in a week ending on or after this date (a backfill). */
  since?: string;
  /** Per destination, the last week whose alerts were all delivered (from the ledger's run entries). */
  windows: Map<string, string | null>;
}

/** Decides what to send: pending attempts first, then the new alerts each route takes. */
export function planDelivery(loaded: LoadedNotifyConfig, alerts: NotifyAlert[], ledger: LedgerState, options: PlanOptions): Plan {
  const { config } = loaded;
  const byId = new Map(alerts.map((a) => [a.alert_id, a]));
  const lastWeekEnd = alerts.reduce<string | null>(
    (max, a) => (max === null || a.last_seen_week_end > max ? a.last_seen_week_end : max),
    null,
  );
  const plan: Plan = { messages: [], waiting: [], unroutable: [], complete: new Map(), lastWeekEnd };

  for (const attempt of ledger.attempts.values()) {
    if (ledger.sent.has(attempt.key)) continue;
    const dest = config.destinations[attempt.destination];
    const carried = attempt.alert_ids.map((id) => byId.get(id)).filter((a): a is NotifyAlert => a !== undefined);
    if (!dest || carried.length === 0) continue; // destination removed from the config, or alerts gone from the run
    plan.messages.push({
      key: attempt.key,
      destination: attempt.destination,
      type: dest.type,
      schedule: attempt.schedule,
      recipients: attempt.recipients,
      alerts: carried,
      resend: true,
    });
  }

  for (const [name, dest] of Object.entries(config.destinations)) {
    const routes = config.routes.filter((r) => r.to === name);
    const window = options.since ?? options.windows.get(name) ?? null;
    const due = { immediate: [] as NotifyAlert[], weekly: [] as NotifyAlert[] };
    for (const alert of alerts) {
      if (ledger.covered.has(pairKey(alert.alert_id, name))) continue;
      if (!alert.is_open && (window === null || alert.raised_week_end < window)) continue;
      const matching = routes.filter((r) => routeMatches(r, alert));
      if (matching.length === 0) continue;
      due[matching.some((r) => r.schedule === "immediate") ? "immediate" : "weekly"].push(alert);
    }
    let complete = true;
    const routed = (list: NotifyAlert[]) => {
      const groups = new Map<string, { recipients: string[]; alerts: NotifyAlert[] }>();
      for (const alert of list) {
        const recipients = recipientsOf(dest, alert, config.csm_addresses);
        if (recipients === null) {
          plan.unroutable.push({
            destination: name,
            alert_id: alert.alert_id,
            account_name: alert.account_name,
            csm_owner: alert.csm_owner,
          });
          complete = false;
          continue;
        }
        const id = recipients.join(",");
        const group = groups.get(id) ?? { recipients, alerts: [] };
        group.alerts.push(alert);
        groups.set(id, group);
      }
      return [...groups.values()];
    };
    for (const group of routed(due.immediate)) {
      for (const alert of group.alerts) {
        plan.messages.push({
          key: alertKey(alert.alert_id, name),
          destination: name,
          type: dest.type,
          schedule: "immediate",
          recipients: group.recipients,
          alerts: [alert],
          resend: false,
        });
      }
    }
    if (due.weekly.length > 0) {
      const day = routes.find((r) => r.schedule === "weekly")!.digest_day;
      const weekStart = digestWeekStart(options.today, day);
      const last = ledger.lastDigestAt.get(name);
      if (last === undefined || last.slice(0, 10) < weekStart) {
        for (const group of routed(due.weekly)) {
          const ids = group.alerts.map((a) => a.alert_id);
          plan.messages.push({
            key: digestKey(name, group.recipients, ids),
            destination: name,
            type: dest.type,
            schedule: "weekly",
            recipients: group.recipients,
            alerts: group.alerts,
            resend: false,
          });
        }
      } else {
        plan.waiting.push({ destination: name, alert_ids: due.weekly.map((a) => a.alert_id), next: addDays(weekStart, 7) });
        complete = false;
      }
    }
    plan.complete.set(name, complete);
  }
  return plan;
}

/** Who receives an alert at a destination; null when an email-to-CSM destination has no address for it. */
function recipientsOf(dest: Destination, alert: NotifyAlert, addresses: Record<string, string>): string[] | null {
  switch (dest.type) {
    case "webhook":
      return ["channel"];
    case "crm_csv":
      return [alert.csm_owner ?? ""];
    case "email": {
      if (dest.to !== "csm") return dest.to;
      const address = alert.csm_owner ? addresses[alert.csm_owner] : undefined;
      if (address) return [address];
      return dest.fallback ? [dest.fallback] : null;
    }
  }
}
