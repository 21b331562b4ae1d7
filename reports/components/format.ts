/** Number and date formats used across pages, so a figure reads the same everywhere. */

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** $1,234,567 */
export const formatMoney = (v: number | null | undefined) => (v === null || v === undefined ? "–" : money.format(v));
/** $1.2M */
export const formatMoneyShort = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `$${compact.format(v)}`);
/** 12,345 */
export const formatInt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"));
/** 72 (scores are shown whole) */
export const formatScore = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(0));
/** +4.2 / −3.1 */
export const formatChange = (v: number | null | undefined) =>
  v === null || v === undefined ? "–" : `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v).toFixed(1)}`;
/** 83% */
export const formatShare = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined ? "–" : `${(v * 100).toFixed(digits)}%`;

// a type only (erased in the browser build): the alert kinds the engine raises
import type { AlertKind } from "../../src/alerts/kinds.ts";

/** Words a code spells as an acronym. */
const ACRONYMS = new Set([
  "smb",
  "arr",
  "mrr",
  "nps",
  "csat",
  "ces",
  "csm",
  "p0",
  "p1",
  "api",
  "sso",
  "emea",
  "apac",
  "amer",
  "latam",
  "na",
  "eu",
  "uk",
  "us",
  "qbr",
  "it",
  "hr",
  "id",
  "auc",
]);

/**
 * A code from the data or the formula in words: `mid_market` -> "Mid market", `at_least` ->
 * "at least" with `{capital: false}`. Text that is not a code (it has a space or an upper-case
 * letter) is returned as it is.
 */
export function words(code: string | null | undefined, { capital = true } = {}): string {
  if (code === null || code === undefined || code === "") return "–";
  if (/\s|[A-Z]/.test(code)) return code;
  const text = code
    .replace(/_+/g, " ")
    .trim()
    .split(" ")
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w))
    .join(" ");
  return capital ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** Each alert kind in words, as a list or a slide shows it. */
export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  score_drop: "Score dropped",
  tier_down: "Fell to a worse tier",
  key_person: "Key person inactive or gone",
  divergence: "Satisfied but disengaged",
  p0_opened: "P0 ticket opened",
  renewal_risk: "Renewal at risk",
  external_risk: "External risk event",
};

/** An alert kind in words (an unknown kind as `words` makes it). */
export function alertKindLabel(kind: string | null | undefined): string {
  return kind && kind in ALERT_KIND_LABELS ? ALERT_KIND_LABELS[kind as AlertKind] : words(kind);
}

/** A text cell that wraps instead of widening its table (see .wrap in style.css). */
export function wrapText(text: unknown): HTMLElement {
  const span = document.createElement("span");
  span.className = "wrap";
  span.textContent = text === null || text === undefined ? "–" : String(text);
  return span;
}

/** A cell of two lines: the main value, and a second fact in small muted text under it (set as text). */
export function stacked(main: Node | string, sub: string | null | undefined): HTMLElement {
  const span = document.createElement("span");
  span.className = "stacked";
  span.append(main);
  if (sub) {
    const small = document.createElement("small");
    small.textContent = sub;
    span.append(small);
  }
  return span;
}

/**
 * A playbook in a table: its first sentence (the formula's playbooks open with their name, such as
 * "Save."), the whole text on hover; a playbook of one sentence shows whole.
 */
export function playbookCell(text: string | null | undefined): HTMLElement {
  const full = text ?? "–";
  const span = wrapShort(full.match(/^[^.!?]*[.!?](?=\s)/)?.[0] ?? full);
  span.title = full;
  return span;
}

/** A short text cell that may wrap onto a second line (a label, a name), narrower than `wrapText`. */
export function wrapShort(text: string): HTMLElement {
  const span = document.createElement("span");
  span.className = "wrap-short";
  span.textContent = text;
  return span;
}
