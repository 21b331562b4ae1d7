/** Bits every page shares: the provenance line, tier badges, account links, "not available" notes. */
import { accountPath } from "../lib/account-link.js";
import type { SlideContext } from "./download.js";

import type { SiteMeta } from "../lib/site.js";

/** "Data exported ... · week ending ... · formula name (hash)", as text. */
export function provenance(site: SiteMeta): HTMLElement {
  const p = document.createElement("p");
  p.className = "provenance";
  p.textContent = `Week ending ${site.weeks.last_week_end ?? "–"} · data exported ${site.exported_at.slice(0, 10)} · formula “${site.formula.name}” (${site.formula.hash})`;
  return p;
}

/** The week, export date and formula a slide's footer names. */
export function slideContext(site: SiteMeta): SlideContext {
  return { asOf: site.weeks.last_week_end, exportedAt: site.exported_at, formula: `“${site.formula.name}” (${site.formula.hash})` };
}

/** A coloured pill with the tier's label, as text. */
export function tierBadge(site: SiteMeta, tierId: string | null): HTMLElement {
  const tier = site.tiers.find((t) => t.id === tierId);
  const span = document.createElement("span");
  span.className = "tier-badge";
  // no tier: an account with no score, named as on every page (site_portfolio_accounts.tier_group)
  span.style.background = tier?.color ?? "#6b7280";
  // white on amber is unreadable (2.1:1): the text takes whichever of white and near-black contrasts more
  span.style.color = textColorOn(tier?.color ?? "#6b7280");
  span.textContent = tier?.label ?? "Not scored";
  return span;
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return 0.5;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** White or near-black (#111), whichever has the higher contrast on `background`. */
export function textColorOn(background: string): string {
  const l = luminance(background);
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / (luminance("#111111") + 0.05);
  return onWhite >= onDark ? "white" : "#111";
}

/** A dark pill "Churned <date>" for an account that has left. */
export function churnBadge(churnedAt: string): HTMLElement {
  const span = document.createElement("span");
  span.className = "tier-badge churn-badge";
  span.textContent = `Churned ${churnedAt}`;
  return span;
}

/**
 * A link to the account viewer for `accountId`; the name is set as text, never parsed as HTML.
 * `base` is the path from the current page to the site root ("./" on top-level pages).
 */
export function accountLink(_site: SiteMeta, accountId: string, name: string, _slug: string | null = null, base = "./"): HTMLAnchorElement {
  const a = document.createElement("a");
  a.href = `${base}${accountPath(accountId)}`;
  a.textContent = name;
  return a;
}

/** A box saying an output is not in this run, and which command makes it. */
export function unavailable(what: string, how: string): HTMLElement {
  const div = document.createElement("div");
  div.className = "unavailable";
  div.textContent = `${what} are not in this run's outputs. ${how}`;
  return div;
}

/** A key number: label, value and an optional note, as text. */
export function kpi(label: string, value: string, note?: string): HTMLElement {
  const div = document.createElement("div");
  div.className = "kpi";
  for (const [cls, text] of [
    ["label", label],
    ["value", value],
    ["kpi-note", note],
  ] as const) {
    if (text === undefined) continue;
    const e = document.createElement("div");
    e.className = cls;
    e.textContent = text;
    div.append(e);
  }
  return div;
}
