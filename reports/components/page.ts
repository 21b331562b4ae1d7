/** Bits every page shares: the provenance line, tier badges, account links, "not available" notes. */
import { accountPath } from "../lib/account-link.js";

import type { SiteMeta } from "../lib/site.js";

/** "Data exported ... · week ending ... · formula name (hash)", as text. */
export function provenance(site: SiteMeta): HTMLElement {
  const p = document.createElement("p");
  p.className = "provenance";
  p.textContent = `Week ending ${site.weeks.last_week_end ?? "–"} · data exported ${site.exported_at.slice(0, 10)} · formula “${site.formula.name}” (${site.formula.hash})`;
  return p;
}

/** A coloured pill with the tier's label, as text. */
export function tierBadge(site: SiteMeta, tierId: string | null): HTMLElement {
  const tier = site.tiers.find((t) => t.id === tierId);
  const span = document.createElement("span");
  span.className = "tier-badge";
  // no tier: an account with no score, named as on every page (site_portfolio_accounts.tier_group)
  span.style.background = tier?.color ?? "#6b7280";
  span.textContent = tier?.label ?? "Not scored";
  return span;
}

/**
 * A link to an account page; the name is set as text, never parsed as HTML. `base` is the path
 * from the current page to the site root ("./" on top-level pages).
 */
export function accountLink(site: SiteMeta, accountId: string, name: string, slug: string | null = null, base = "./"): HTMLAnchorElement {
  const a = document.createElement("a");
  a.href = `${base}${accountPath(slug ?? accountId, site.account_shards)}`;
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
  for (const [cls, text] of [["label", label], ["value", value], ["kpi-note", note]] as const) {
    if (text === undefined) continue;
    const e = document.createElement("div");
    e.className = cls;
    e.textContent = text;
    div.append(e);
  }
  return div;
}
