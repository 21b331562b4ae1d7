/**
 * Senders for the three destination types, and the bounded retry with backoff around them. A
 * sender throws DeliveryError: transient (network, timeout, HTTP 408/429/5xx, SMTP 4xx) is
 * retried; permanent (other HTTP 4xx, SMTP 5xx) is not. Error text never carries a secret: the
 * caller redacts it, and the senders never put the URL or the credentials in a message.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import type { Destination, NotifyConfig } from "./config.ts";
import type { Message } from "./plan.ts";
import { body, crmTasksCsv, subject, webhookPayload } from "./render.ts";

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

export type Sender = (message: Message) => Promise<void>;

export interface RetryOptions {
  /** Retries after the first try (default 3, or HEALTH_NOTIFY_RETRIES). */
  retries: number;
  /** First wait; each retry waits twice as long (default 2000 ms, or HEALTH_NOTIFY_BACKOFF_MS). */
  backoffMs: number;
  /** Time allowed for one request (default 15000 ms, or HEALTH_NOTIFY_TIMEOUT_MS). */
  timeoutMs: number;
}

export function retryOptionsFromEnv(env: NodeJS.ProcessEnv): RetryOptions {
  const read = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new DeliveryConfigError(`${name} must be a whole number >= ${min}, got "${raw}"`);
    return value;
  };
  return {
    retries: read("HEALTH_NOTIFY_RETRIES", 3, 0),
    backoffMs: read("HEALTH_NOTIFY_BACKOFF_MS", 2000, 0),
    timeoutMs: read("HEALTH_NOTIFY_TIMEOUT_MS", 15000, 1),
  };
}

export class DeliveryConfigError extends Error {}

/** Sends with retries; `onRetry` hears of each failed try that will be retried. */
export async function sendWithRetry(
  send: Sender,
  message: Message,
  options: RetryOptions,
  onRetry: (error: DeliveryError, wait: number) => void,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send(message);
      return;
    } catch (raw) {
      const error = raw instanceof DeliveryError ? raw : new DeliveryError((raw as Error).message, true);
      if (!error.transient || attempt >= options.retries) throw error;
      const wait = Math.min(options.backoffMs * 2 ** attempt, 60_000);
      onRetry(error, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** POSTs the message's JSON to the webhook URL, with the key in an Idempotency-Key header too. */
export function webhookSender(url: string, options: RetryOptions): Sender {
  return async (message) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": message.key },
        body: JSON.stringify(webhookPayload(message)),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const name =
        (error as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : `network error${cause ? ` ${cause}` : ""}`;
      throw new DeliveryError(name, true);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const transient = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new DeliveryError(`HTTP ${response.status}`, transient);
  };
}

/** Sends e-mail over SMTP; the Message-ID is derived from the key, so a resend is the same message. */
export function emailSender(
  smtp: NonNullable<NotifyConfig["smtp"]>,
  credentials: { user: string; pass: string } | undefined,
  options: RetryOptions,
): { send: Sender; close: () => void } {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && smtp.starttls === "required",
    auth: credentials,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  const send: Sender = async (message) => {
    try {
      await transport.sendMail({
        from: smtp.from,
        to: message.recipients,
        subject: subject(message),
        text: body(message),
        messageId: `<${message.key}@health-notify>`,
        headers: { "X-Health-Idempotency-Key": message.key },
      });
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; message: string };
      const code = e.responseCode;
      const text = code ? `SMTP ${code}` : `SMTP ${e.code ?? "error"}`;
      throw new DeliveryError(text, code === undefined || code < 500);
    }
  };
  return { send, close: () => transport.close() };
}

/** Writes the message's tasks as `crm-tasks-<key>.csv` (written aside then renamed: a file is whole or absent). */
export function crmCsvSender(dir: string): Sender {
  return async (message) => {
    try {
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `crm-tasks-${message.key}.csv`);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, crmTasksCsv(message));
      renameSync(temp, file);
    } catch (error) {
      throw new DeliveryError(
        `cannot write the CRM task file in ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        false,
      );
    }
  };
}

/** The environment variables a destination reads its secrets from. */
export function secretVariables(dest: Destination, config: NotifyConfig): string[] {
  if (dest.type === "webhook") return [dest.url_env];
  if (dest.type === "email") return [config.smtp?.user_env, config.smtp?.password_env].filter((v): v is string => Boolean(v));
  return [];
}
