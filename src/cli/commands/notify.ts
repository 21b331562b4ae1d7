/** `health notify`: delivers the alerts raised since the last delivery, by the routes in notify.yaml. */
import path from "node:path";
import { UsageError } from "../../errors.ts";
import { loadNotifyConfig } from "../../notify/config.ts";
import { EXIT_DELIVERY_FAILED, leftUndelivered, notify, type NotifyReport } from "../../notify/notify.ts";
import type { Message } from "../../notify/plan.ts";
import type { Command } from "../command.ts";
import { parseDay } from "../../core/dates.ts";

export const notifyCommand: Command = {
  name: "notify",
  summary: "deliver new alerts to CSMs and team channels (webhook, e-mail, CRM task CSV), exactly once in effect",
  usage: "health notify [--notify-config FILE] [--state DIR] [--dry-run] [--since DATE] [--today DATE] [--out DIR] [--format text|json]",
  help: `--notify-config FILE  routing config (default: $HEALTH_NOTIFY_CONFIG, else notify.yaml beside --formula)
--state DIR           where the delivery ledger lives (default: $HEALTH_NOTIFY_STATE, else --out);
                      keep it between runs: it is what makes a re-run send nothing twice
--dry-run             print what would be sent; send nothing, write no ledger
--since DATE          also deliver closed alerts raised in a week ending on or after DATE (a backfill)
--today DATE          decide weekly digests as if today were DATE (default: today, UTC)
Reads alerts.parquet from --out (run "health run" first). Webhook URLs and SMTP credentials come
only from the environment variables the config names. Retries: HEALTH_NOTIFY_RETRIES (3),
HEALTH_NOTIFY_BACKOFF_MS (2000, doubling), HEALTH_NOTIFY_TIMEOUT_MS (15000).
Exit codes: 0 all delivered, 3 bad config or missing alerts/secret, 4 something left undelivered
(failed endpoint, CSM without address, another notify running): it is retried on the next run.`,
  options: {
    "notify-config": { type: "string" },
    state: { type: "string" },
    "dry-run": { type: "boolean" },
    since: { type: "string" },
    today: { type: "string" },
  },
  async run({ locations, log, format, print, options, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (format === "csv") throw new UsageError("--format must be text or json for notify");
    const since = options.since as string | undefined;
    if (since !== undefined) parseDay(since, "--since");
    const today = (options.today as string | undefined) ?? new Date().toISOString().slice(0, 10);
    parseDay(today, "--today");
    const env = process.env;
    const configFile = path.resolve(
      (options["notify-config"] as string | undefined) ??
        env.HEALTH_NOTIFY_CONFIG ??
        path.join(path.dirname(locations.formula), "notify.yaml"),
    );
    const config = loadNotifyConfig(configFile);
    const stateDir = path.resolve((options.state as string | undefined) ?? env.HEALTH_NOTIFY_STATE ?? locations.out);
    const dryRun = Boolean(options["dry-run"]);
    const report = await notify({ config, outDir: locations.out, stateDir, today, since, dryRun, env, info: log.info, warn: log.warn });
    print(format === "json" ? `${JSON.stringify(reportJson(report), null, 2)}\n` : reportText(report));
    return leftUndelivered(report) ? EXIT_DELIVERY_FAILED : 0;
  },
};

function messageJson(m: Message) {
  return {
    key: m.key,
    destination: m.destination,
    type: m.type,
    schedule: m.schedule,
    recipients: m.recipients,
    resend: m.resend,
    alerts: m.alerts.map((a) => ({
      alert_id: a.alert_id,
      account_name: a.account_name,
      kind: a.kind,
      severity: a.severity,
      owner: a.csm_owner,
      reason: a.reason,
      playbook: a.playbook,
    })),
  };
}

function reportJson(r: NotifyReport) {
  return {
    dry_run: r.dry_run,
    ...(r.dry_run
      ? { would_send: r.plan.messages.map(messageJson) }
      : {
          sent: r.sent.map(messageJson),
          failed: r.failed.map((f) => ({ ...messageJson(f.message), error: f.error })),
          skipped: r.skipped.map(messageJson),
        }),
    waiting_for_digest: r.plan.waiting,
    unroutable: r.plan.unroutable,
    ...(r.lockedBy === undefined ? {} : { locked_by_pid: r.lockedBy }),
  };
}

function messageLine(m: Message): string {
  const who = m.type === "webhook" ? "channel" : m.recipients.join(", ") || "no owner";
  const what =
    m.alerts.length === 1
      ? `${m.alerts[0]!.severity} ${m.alerts[0]!.kind}: ${m.alerts[0]!.account_name}`
      : `digest of ${m.alerts.length} alerts`;
  return `  ${m.destination} (${m.type}, ${m.schedule}${m.resend ? ", resend" : ""}) to ${who}: ${what}  [${m.key}]`;
}

function reportText(r: NotifyReport): string {
  const lines: string[] = [];
  if (r.lockedBy !== undefined) return `Nothing sent: another health notify (pid ${r.lockedBy}) is delivering.\n`;
  if (r.dry_run) {
    const alerts = r.plan.messages.reduce((n, m) => n + m.alerts.length, 0);
    lines.push(
      `Dry run: would send ${r.plan.messages.length} message${r.plan.messages.length === 1 ? "" : "s"} (${alerts} alert${alerts === 1 ? "" : "s"}); nothing sent, no ledger written.`,
    );
    for (const m of r.plan.messages) {
      lines.push(messageLine(m));
      for (const a of m.alerts) lines.push(`      ${a.account_name}: ${a.reason}`, `      playbook: ${a.playbook}`);
    }
  } else {
    lines.push(
      `Sent ${r.sent.length} message${r.sent.length === 1 ? "" : "s"}; ${r.failed.length} failed, ${r.skipped.length} not tried after a failure (left pending for the next run).`,
    );
    for (const m of r.sent) lines.push(messageLine(m));
    for (const f of r.failed) lines.push(`${messageLine(f.message)}  FAILED: ${f.error}`);
    for (const m of r.skipped) lines.push(`${messageLine(m)}  not tried`);
  }
  for (const w of r.plan.waiting) lines.push(`${w.destination}: ${w.alert_ids.length} alert(s) wait for the weekly digest due ${w.next}`);
  for (const u of r.plan.unroutable)
    lines.push(
      `${u.destination}: ${u.account_name} (alert ${u.alert_id}) has no address for CSM "${u.csm_owner ?? "(none)"}"; left pending`,
    );
  return `${lines.join("\n")}\n`;
}
