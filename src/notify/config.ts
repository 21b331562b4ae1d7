/**
 * The notify config (notify.yaml beside the formula): where alerts go and when. Destinations are
 * named; routes pick alerts by kind and severity and send them to a destination immediately or in
 * a weekly digest. Secrets are never in the file: a destination names the environment variable
 * that holds its webhook URL or SMTP password. Errors name the file, the key, the line and what
 * was expected, and exit 3.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ALERT_KINDS } from "../alerts/kinds.ts";
import { InputError } from "../errors.ts";

export const SEVERITIES = ["high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name (letters, digits, _), not the secret itself");
const address = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, "an e-mail address like name@example.com");

const webhookDestination = z.strictObject({
  type: z.literal("webhook"),
  /** Environment variable that holds the incoming-webhook URL (Slack or anything that takes a JSON POST). */
  url_env: envName,
});

const emailDestination = z.strictObject({
  type: z.literal("email"),
  /** "csm": each account's CSM (csm_owner, looked up in csm_addresses); or a list of addresses. */
  to: z.union([z.literal("csm"), z.array(address).min(1)]),
  /** Where an alert goes when its CSM has no address in csm_addresses (else it stays pending). */
  fallback: address.optional(),
});

const crmCsvDestination = z.strictObject({
  type: z.literal("crm_csv"),
  /** Folder for the task files, relative to the config file (default: crm-tasks in the state folder). */
  dir: z.string().min(1).optional(),
});

const destination = z.discriminatedUnion("type", [webhookDestination, emailDestination, crmCsvDestination]);

const route = z.strictObject({
  /** Name of a destination in `destinations`. */
  to: z.string().min(1),
  /** Alert kinds to send (default: every kind). */
  kinds: z.array(z.enum(ALERT_KINDS)).min(1).optional(),
  /** Lowest severity to send (default: low, i.e. every alert). */
  min_severity: z.enum(SEVERITIES).default("low"),
  /** immediate: one message per alert on the next run; weekly: one digest per recipient a week. */
  schedule: z.enum(["immediate", "weekly"]).default("immediate"),
  /** For weekly: the digest goes out on the first run on or after this weekday (UTC) each week. */
  digest_day: z.enum(WEEKDAYS).default("monday"),
});

const smtp = z.strictObject({
  host: z.string().min(1),
  port: z.int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: plain then STARTTLS as `starttls` says. */
  secure: z.boolean().default(false),
  /** required: refuse to send over an unencrypted connection; optional: upgrade when offered. */
  starttls: z.enum(["required", "optional"]).default("required"),
  /** Environment variables that hold the SMTP user name and password (omit both for no login). */
  user_env: envName.optional(),
  password_env: envName.optional(),
  from: z.string().min(3),
});

export const notifyConfigSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    destinations: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "a name of letters, digits, - and _"), destination),
    routes: z.array(route).min(1),
    smtp: smtp.optional(),
    /** CSM name (as in accounts.csm_owner) to e-mail address. */
    csm_addresses: z.record(z.string().min(1), address).default({}),
  })
  .superRefine((config, ctx) => {
    config.routes.forEach((r, i) => {
      if (!(r.to in config.destinations)) {
        const names = Object.keys(config.destinations);
        ctx.addIssue({
          code: "custom",
          path: ["routes", i, "to"],
          message: `unknown destination "${r.to}"; destinations are ${names.join(", ") || "(none)"}`,
        });
      }
    });
    const usesEmail = Object.values(config.destinations).some((d) => d.type === "email");
    if (usesEmail && !config.smtp)
      ctx.addIssue({ code: "custom", path: ["smtp"], message: "an email destination needs an smtp section (host, from)" });
    if (config.smtp && Boolean(config.smtp.user_env) !== Boolean(config.smtp.password_env)) {
      ctx.addIssue({ code: "custom", path: ["smtp"], message: "give both user_env and password_env, or neither" });
    }
  });

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export type Destination = z.infer<typeof destination>;
export type Route = z.infer<typeof route>;

export interface LoadedNotifyConfig {
  file: string;
  config: NotifyConfig;
}

export class NotifyConfigError extends InputError {
  override name = "NotifyConfigError";
  constructor(file: string, issues: { path: string; line?: number; message: string }[]) {
    super(
      `invalid notify config ${file}:\n${issues.map((i) => `  - ${i.path || "(top)"}${i.line ? ` (line ${i.line})` : ""}: ${i.message}`).join("\n")}`,
    );
  }
}

/** Reads and validates a notify config file (YAML or JSON). */
export function loadNotifyConfig(file: string): LoadedNotifyConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new NotifyConfigError(file, [
      {
        path: "",
        message: missing
          ? 'no such file; write one (see README "Delivering alerts") or pass --notify-config FILE'
          : `cannot read the file: ${(error as Error).message}`,
      },
    ]);
  }
  return parseNotifyConfig(text, file);
}

/** Validates notify config text; `file` names it in messages. */
export function parseNotifyConfig(text: string, file: string): LoadedNotifyConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new NotifyConfigError(
      file,
      doc.errors.map((e) => ({ path: "", line: e.linePos?.[0]?.line, message: `not valid YAML: ${e.message.split("\n")[0]}` })),
    );
  }
  const lineOf = (parts: readonly PropertyKey[]): number | undefined => {
    for (let n = parts.length; n >= 0; n--) {
      const node = doc.getIn(parts.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const parsed = notifyConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new NotifyConfigError(
      file,
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), line: lineOf(issue.path), message: issue.message })),
    );
  }
  return { file, config: parsed.data };
}

/** The notify config's JSON Schema, for editors (written to src/notify/notify.schema.json by `npm run docs`). */
export function notifyJsonSchema(): Record<string, unknown> {
  return { title: "Customer health notify config", ...z.toJSONSchema(notifyConfigSchema, { io: "input", target: "draft-2020-12" }) };
}
