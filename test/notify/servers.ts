/**
 * What the notify tests deliver to: a local HTTP server standing in for an incoming webhook (it can
 * fail some requests or stall one so a test can kill the sender mid-delivery), a local SMTP server
 * (smtp-server) that requires a login, and a way to run `health notify` as a child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { PROJECT_ROOT } from "../../src/core/paths.ts";

export interface WebhookRequest {
  url: string;
  key: string | undefined;
  body: {
    text: string;
    idempotency_key: string;
    alerts: { alert_id: string; account_name: string; reason: string; playbook: string; owner: string | null; idempotency_key: string }[];
  };
  raw: string;
}

export interface WebhookServer {
  url: (pathname: string) => string;
  /** Every request that reached the server, answered or not. */
  requests: WebhookRequest[];
  /** Requests answered 2xx (what a receiver accepted). */
  accepted: WebhookRequest[];
  /** Answer the next `n` requests with HTTP 500. */
  failNext(n: number): void;
  /** Fail every request with HTTP 503 until told otherwise. */
  failAll(on: boolean): void;
  /** Never answer request number `n` (1-based, counted from now); resolves when it arrives. */
  stallAt(n: number): Promise<WebhookRequest>;
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const requests: WebhookRequest[] = [];
  const accepted: WebhookRequest[] = [];
  let failing = 0;
  let failEverything = false;
  let stall: { at: number; resolve: (r: WebhookRequest) => void } | undefined;
  let seen = 0;
  const stalled: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const request: WebhookRequest = {
        url: req.url ?? "",
        key: req.headers["idempotency-key"] as string | undefined,
        body: JSON.parse(raw),
        raw,
      };
      requests.push(request);
      seen += 1;
      if (stall && seen === stall.at) {
        stalled.push(res);
        stall.resolve(request);
        stall = undefined;
        return;
      }
      if (failEverything || failing > 0) {
        failing = Math.max(0, failing - 1);
        res.writeHead(failEverything ? 503 : 500).end("down");
        return;
      }
      accepted.push(request);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    requests,
    accepted,
    failNext: (n) => {
      failing = n;
    },
    failAll: (on) => {
      failEverything = on;
    },
    stallAt: (n) =>
      new Promise((resolve) => {
        stall = { at: seen + n, resolve };
      }),
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  /** Header and body text with quoted-printable and encoded words undone. */
  text: string;
  messageId: string | undefined;
}

export interface SmtpServer {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** An SMTP server on localhost that accepts only `user`/`password` and keeps every mail. */
export async function startSmtpServer(user: string, password: string): Promise<SmtpServer> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(new Error("bad login"));
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("latin1")));
      stream.on("end", () => {
        const text = decodeMail(raw);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text,
          messageId: /^message-id:\s*(\S+)/im.exec(raw)?.[1],
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Undoes quoted-printable bodies and =?UTF-8?Q?..?= header words, enough to read what nodemailer wrote. */
function decodeMail(raw: string): string {
  const bytes = (s: string) =>
    Buffer.from(
      s.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    ).toString("utf8");
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw
    .slice(0, split)
    .replace(/\r?\n[ \t]+/g, " ")
    .replace(/=\?utf-8\?Q\?([^?]*)\?=/gi, (_m, word: string) => bytes(word.replaceAll("_", " ")));
  return `${head}${bytes(raw.slice(split).replace(/=\r?\n/g, ""))}`;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `health notify <args>` in a child process with `env` added to the environment. */
export function spawnNotify(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<ChildRun> } {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "src", "cli", "bin.js"), "notify", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const done = new Promise<ChildRun>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}
