/** The alert list as a to-do list for the terminal: grouped by the week raised, newest first. */
import type { AlertRecord } from "./alerts.ts";

const money = (value: number) => Math.round(value).toLocaleString("en-US");

/** Renders `alerts` (already sorted newest first); `heading` says which alerts these are. */
export function alertsText(alerts: readonly AlertRecord[], heading: string): string {
  const open = alerts.filter((a) => a.is_open).length;
  const lines = [`${heading}: ${alerts.length} alert${alerts.length === 1 ? "" : "s"}, ${open} still open.`];
  let week: string | null = null;
  for (const a of alerts) {
    if (a.raised_week_end !== week) {
      week = a.raised_week_end;
      lines.push("", `Raised in the week ending ${week}`);
    }
    const state = a.is_open ? "OPEN" : a.status === "cleared" ? `cleared ${a.cleared_week_end}` : "account churned";
    const score = a.score === null ? "no score" : `score ${a.score.toFixed(0)} ${a.tier}`;
    lines.push(
      `  ${a.severity.toUpperCase().padEnd(6)} ${a.kind.padEnd(13)} ${a.account_name} (${a.account_id})  ARR ${money(a.arr)}  ` +
        `renewal ${a.renewal_date} (${a.days_to_renewal} days)  ${score}  ${state}`,
      `         ${a.reason}`,
      `         playbook (${a.playbook_source}): ${a.playbook}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
