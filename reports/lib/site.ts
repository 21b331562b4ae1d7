/**
 * `data/site.json`, as loaders/site.ts writes it and every page reads it: one declaration of the
 * shape for both sides. Types only.
 */

/** A tier, best first: scores from `min` up to (not including) `max` fall in it. */
export interface SiteTier {
  id: string;
  label: string;
  color: string;
  min: number;
  max: number;
  playbook: string;
}

export interface SiteCategory {
  id: string;
  label: string;
  weight: number;
  description: string | null;
  playbook: string;
}

export interface SiteMeta {
  formula: { name: string; hash: string; file: string };
  exported_at: string;
  weeks: { count: number; first_week_end: string | null; last_week_end: string | null };
  /** Best first (the loader sorts them): pages never sort them again. */
  tiers: SiteTier[];
  categories: SiteCategory[];
  available: { alerts: boolean; expansion: boolean; cohorts: boolean; backtest: boolean; lead_times: boolean; whatif: boolean };
  warnings: string[];
  /** The account viewer's data is grouped in this many shard files (see reports/lib/account-link.ts). */
  account_shards: number;
  /** Changes with the output set: the viewer adds it to the shard file's URL, so no stale shard is read from a browser cache. */
  account_data_version: string;
}
