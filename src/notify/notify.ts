/**
 * `health notify` as a function: reads the run's alerts and the ledger, plans what is due, and
 * delivers it message by message: ledger "attempt", send with retries, ledger "sent". A failed
 * destination is reported and its messages stay pending for the next run. Every text that leaves
 * (log lines, ledger, printed report) goes through `redact`, which removes the secret values.
 */
import path from "node:path";
import { InputError } from "../errors.ts";
import {
  crmCsvSender,
  DeliveryConfigError,
  emailSender,
  retryOptionsFromEnv,
  secretVariables,
  sendWithRetry,
  type Sender,
} from "./channels.ts";
import type { LoadedNotifyConfig } from "./config.ts";
import { LedgerWriter, readLedger, takeLock } from "./ledger.ts";
import { planDelivery, readAlerts, type Message, type Plan } from "./plan.ts";
import { webhookSender } from "./channels.ts";

/** Exit code of a run that left something undelivered (failed endpoint, unroutable alert, busy lock). */
export const EXIT_DELIVERY_FAILED = 4;

export interface NotifyOptions {
  config: LoadedNotifyConfig;
  /** --out of `health run`: where alerts.parquet is. */
  outDir: string;
  /** Where the ledger (and by default the CRM task files) live. */
  stateDir: string;
  /** Today, UTC YYYY-MM-DD (decides weekly digests). */
  today: string;
  since?: string;
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
  info: (line: string) => void;
  warn: (line: string) => void;
}

export interface NotifyReport {
  dry_run: boolean;
  plan: Plan;
  sent: Message[];
  failed: { message: Message; error: string }[];
  /** Messages not tried because their destination had already failed in this run. */
  skipped: Message[];
  missingSecrets: string[];
  lockedBy?: number;
}

/** Replaces every secret value in text with the name of its variable. */
export function redactor(secrets: Map<string, string>): (text: string) => string {
  const pairs = [...secrets].filter(([, value]) => value.length >= 4).sort((a, b) => b[1].length - a[1].length);
  return (text) => {
    let out = text;
    for (const [name, value] of pairs) {
      out = out.split(value).join(`[$${name}]`);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) out = out.split(encoded).join(`[$${name}]`);
    }
    return out;
  };
}

export async function notify(options: NotifyOptions): Promise<NotifyReport> {
  const { config } = options.config;
  const retry = (() => {
    try {
      return retryOptionsFromEnv(options.env);
    } catch (error) {
      if (error instanceof DeliveryConfigError) throw new InputError(error.message);
      throw error;
    }
  })();
  const secrets = new Map<string, string>();
  for (const dest of Object.values(config.destinations)) {
    for (const name of secretVariables(dest, config)) if (options.env[name]) secrets.set(name, options.env[name]!);
  }
  const redact = redactor(secrets);
  const info = (line: string) => options.info(redact(line));
  const warn = (line: string) => options.warn(redact(line));

  const alerts = await readAlerts(options.outDir);
  const lock = options.dryRun ? { release: () => undefined } : takeLock(options.stateDir);
  const report: NotifyReport = {
    dry_run: options.dryRun,
    plan: { messages: [], waiting: [], unroutable: [], complete: new Map(), lastWeekEnd: null },
    sent: [],
    failed: [],
    skipped: [],
    missingSecrets: [],
  };
  if ("heldBy" in lock) {
    warn(`another health notify (pid ${lock.heldBy}) is delivering from ${options.stateDir}; nothing sent, try again later`);
    report.lockedBy = lock.heldBy;
    return report;
  }
  try {
    const ledger = readLedger(options.stateDir);
    if (ledger.unreadable > 0) warn(`${ledger.unreadable} unreadable line(s) in the ledger were skipped (a torn write?)`);
    const plan = planDelivery(options.config, alerts, ledger, { today: options.today, since: options.since, windows: ledger.windows });
    report.plan = plan;
    const used = new Set(plan.messages.map((m) => m.destination));
    for (const name of used) {
      for (const variable of secretVariables(config.destinations[name]!, config)) {
        if (!options.env[variable]) report.missingSecrets.push(`${variable} (destination ${name})`);
      }
    }
    if (report.missingSecrets.length > 0) {
      const text = `environment variable(s) not set: ${report.missingSecrets.join(", ")}; ${options.config.file} names them`;
      if (!options.dryRun) throw new InputError(text);
      warn(`${text} (a real run would refuse)`);
    }
    for (const u of plan.unroutable) {
      warn(
        `${u.destination}: no address for CSM "${u.csm_owner ?? "(none)"}" of ${u.account_name} (alert ${u.alert_id}): add it to csm_addresses or set a fallback; left pending`,
      );
    }
    if (options.dryRun) return report;

    const senders = new Map<string, Sender>();
    const closers: (() => void)[] = [];
    const senderFor = (name: string): Sender => {
      const existing = senders.get(name);
      if (existing) return existing;
      const dest = config.destinations[name]!;
      let sender: Sender;
      if (dest.type === "webhook") sender = webhookSender(options.env[dest.url_env]!, retry);
      else if (dest.type === "crm_csv")
        sender = crmCsvSender(
          dest.dir ? path.resolve(path.dirname(options.config.file), dest.dir) : path.join(options.stateDir, "crm-tasks"),
        );
      else {
        const smtp = config.smtp!;
        const credentials = smtp.user_env ? { user: options.env[smtp.user_env]!, pass: options.env[smtp.password_env!]! } : undefined;
        const email = emailSender(smtp, credentials, retry);
        closers.push(email.close);
        sender = email.send;
      }
      senders.set(name, sender);
      return sender;
    };

    const writer = new LedgerWriter(options.stateDir);
    const failedDestinations = new Set<string>();
    try {
      for (const message of plan.messages) {
        if (failedDestinations.has(message.destination)) {
          report.skipped.push(message);
          continue;
        }
        const now = () => new Date().toISOString();
        if (!message.resend) {
          writer.append({
            event: "attempt",
            key: message.key,
            destination: message.destination,
            schedule: message.schedule,
            recipients: message.recipients,
            alert_ids: message.alerts.map((a) => a.alert_id),
            at: now(),
          });
        }
        try {
          await sendWithRetry(senderFor(message.destination), message, retry, (error, wait) =>
            warn(`${message.destination}: ${error.message} for ${message.key}; retrying in ${wait} ms`),
          );
          writer.append({ event: "sent", key: message.key, destination: message.destination, at: now(), today: options.today });
          report.sent.push(message);
          info(`${message.destination}: sent ${message.key} (${message.alerts.length} alert${message.alerts.length === 1 ? "" : "s"})`);
        } catch (error) {
          const text = redact((error as Error).message);
          writer.append({ event: "failed", key: message.key, destination: message.destination, error: text, at: now() });
          report.failed.push({ message, error: text });
          failedDestinations.add(message.destination);
          warn(`${message.destination}: delivery failed for ${message.key}: ${text}; left pending for the next run`);
        }
      }
      const windows: Record<string, string | null> = {};
      for (const [name, complete] of plan.complete) {
        windows[name] = complete && !failedDestinations.has(name) ? plan.lastWeekEnd : (ledger.windows.get(name) ?? null);
      }
      writer.append({ event: "run", windows, at: new Date().toISOString() });
    } finally {
      writer.close();
      for (const close of closers) close();
    }
    return report;
  } finally {
    lock.release();
  }
}

/** Whether the run left anything undelivered (exit 4). */
export function leftUndelivered(report: NotifyReport): boolean {
  return (
    report.lockedBy !== undefined ||
    report.failed.length > 0 ||
    report.skipped.length > 0 ||
    (!report.dry_run && report.plan.unroutable.length > 0)
  );
}
