/**
 * The delivery ledger: notify-ledger.jsonl in the state folder, one JSON object a line, appended
 * and fsynced before the next step. A message is written as "attempt" (its key, destination,
 * recipients and alert ids) *before* it is sent and as "sent" after the endpoint accepted it, so
 * after a crash or kill -9 the next run finds every attempt without a "sent" and sends that same
 * message again under the same idempotency key: nothing is lost, and a receiver that honours the
 * key sees it once. A lock file keeps two notify runs from delivering at once.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { processAlive } from "../core/process.ts";

export const LEDGER_FILE = "notify-ledger.jsonl";
const LOCK_FILE = "notify.lock";

export interface AttemptEntry {
  event: "attempt";
  key: string;
  destination: string;
  /** digest or immediate */
  schedule: "immediate" | "weekly";
  recipients: string[];
  alert_ids: string[];
  at: string;
}
export interface SentEntry {
  event: "sent";
  key: string;
  destination: string;
  at: string;
  /** The run's --today (UTC date), which weekly digests count from. */
  today?: string;
}
export interface FailedEntry {
  event: "failed";
  key: string;
  destination: string;
  error: string;
  at: string;
}
export interface RunEntry {
  event: "run";
  /**
   * Per destination, the last week ending up to which every alert due to it was delivered: the
   * next run also takes closed alerts raised from that week on (an alert raised and cleared
   * between two runs is still told). A destination with anything left pending keeps its old week.
   */
  windows: Record<string, string | null>;
  at: string;
}
export type LedgerEntry = AttemptEntry | SentEntry | FailedEntry | RunEntry;

export interface LedgerState {
  /** Attempts by key (the latest attempt record of each). */
  attempts: Map<string, AttemptEntry>;
  sent: Map<string, SentEntry>;
  /** (alert id, destination) pairs covered by any attempt, sent or not. */
  covered: Set<string>;
  windows: Map<string, string | null>;
  /** When each destination last had a weekly digest sent (ISO). */
  lastDigestAt: Map<string, string>;
  /** Lines that could not be read (a torn last line after a power cut). */
  unreadable: number;
}

export const pairKey = (alertId: string, destination: string) => `${alertId}\u0000${destination}`;

/** Reads the ledger in `dir` (an empty state if there is none yet). */
export function readLedger(dir: string): LedgerState {
  const state: LedgerState = {
    attempts: new Map(),
    sent: new Map(),
    covered: new Set(),
    windows: new Map(),
    lastDigestAt: new Map(),
    unreadable: 0,
  };
  const file = path.join(dir, LEDGER_FILE);
  if (!existsSync(file)) return state;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let entry: LedgerEntry;
    try {
      entry = JSON.parse(line) as LedgerEntry;
    } catch {
      state.unreadable += 1;
      continue;
    }
    if (entry.event === "attempt") {
      state.attempts.set(entry.key, entry);
      for (const id of entry.alert_ids) state.covered.add(pairKey(id, entry.destination));
    } else if (entry.event === "sent") {
      state.sent.set(entry.key, entry);
      const attempt = state.attempts.get(entry.key);
      if (attempt?.schedule === "weekly") state.lastDigestAt.set(entry.destination, entry.today ?? entry.at);
    } else if (entry.event === "run") {
      for (const [name, week] of Object.entries(entry.windows ?? {})) state.windows.set(name, week);
    }
  }
  return state;
}

/** Appends entries to the ledger and fsyncs, so they survive a kill -9 the moment this returns. */
export class LedgerWriter {
  private readonly fd: number;
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(path.join(dir, LEDGER_FILE), "a");
  }
  append(entry: LedgerEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Takes the delivery lock in `dir`, or returns the pid that holds it. A lock whose process is gone
 * (killed, crashed) is taken over.
 */
export function takeLock(dir: string): { release: () => void } | { heldBy: number } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) return { heldBy: pid };
      rmSync(file, { force: true });
    }
  }
  return { heldBy: -1 };
}
