/** The words of a notification: one alert as text, a message's subject, body, webhook payload and CRM task rows. */
import { toCsv } from "../../reports/lib/csv.ts";
import type { Message, NotifyAlert } from "./plan.ts";
import { alertKey } from "./plan.ts";

const money = (value: number) => Math.round(value).toLocaleString("en-US");

/** One alert as a few lines of plain text: what, who, why, what to do. */
export function alertText(a: NotifyAlert): string {
  const score = a.score === null ? "no score" : `score ${a.score.toFixed(0)}${a.tier ? ` (${a.tier})` : ""}`;
  return [
    `${a.severity.toUpperCase()} ${a.kind}: ${a.account_name} (${a.account_id}), raised in the week ending ${a.raised_week_end}`,
    `Reason: ${a.reason}`,
    `Playbook: ${a.playbook}`,
    `Owner: ${a.csm_owner ?? "no CSM"}; ARR ${money(a.arr)}; renewal ${a.renewal_date} (${a.days_to_renewal} days); ${score}`,
    ...(a.drivers.length > 0 ? [`Drivers: ${a.drivers.join(", ")}`] : []),
  ].join("\n");
}

export function subject(message: Message): string {
  if (message.schedule === "weekly" || message.alerts.length > 1) {
    const high = message.alerts.filter((a) => a.severity === "high").length;
    return `[health] Weekly alert digest: ${message.alerts.length} alert${message.alerts.length === 1 ? "" : "s"}${high ? `, ${high} high` : ""}`;
  }
  const a = message.alerts[0]!;
  return `[health] ${a.severity.toUpperCase()} ${a.kind}: ${a.account_name}`;
}

export function body(message: Message): string {
  return `${message.alerts.map(alertText).join("\n\n")}\n\n(idempotency key ${message.key})\n`;
}

/** A Slack-compatible incoming-webhook payload: `text` for Slack, the alert fields for anything else. */
export function webhookPayload(message: Message): Record<string, unknown> {
  return {
    text: `*${subject(message)}*\n\n${message.alerts.map(alertText).join("\n\n")}`,
    idempotency_key: message.key,
    destination: message.destination,
    schedule: message.schedule,
    alerts: message.alerts.map((a) => ({
      idempotency_key: alertKey(a.alert_id, message.destination),
      alert_id: a.alert_id,
      account_id: a.account_id,
      account_name: a.account_name,
      kind: a.kind,
      severity: a.severity,
      raised_week_end: a.raised_week_end,
      reason: a.reason,
      drivers: a.drivers,
      playbook: a.playbook,
      owner: a.csm_owner,
      arr: a.arr,
      renewal_date: a.renewal_date,
    })),
  };
}

export const CRM_TASK_COLUMNS = [
  "task_id",
  "account_id",
  "account_name",
  "owner",
  "priority",
  "subject",
  "description",
  "alert_id",
  "kind",
  "raised_week_end",
  "renewal_date",
] as const;

/** The CRM task CSV of a message: one task per alert, task_id the (alert, destination) key, cells by the one CSV rule (reports/lib/csv.ts). */
export function crmTasksCsv(message: Message): string {
  const rows = message.alerts.map((a) => ({
    task_id: alertKey(a.alert_id, message.destination),
    account_id: a.account_id,
    account_name: a.account_name,
    owner: a.csm_owner,
    priority: a.severity,
    subject: `${a.kind}: ${a.account_name}`,
    description: `${a.reason}\nPlaybook: ${a.playbook}`,
    alert_id: a.alert_id,
    kind: a.kind,
    raised_week_end: a.raised_week_end,
    renewal_date: a.renewal_date,
  }));
  return toCsv(rows, CRM_TASK_COLUMNS);
}
