/**
 * Where an account's page lives. Account pages are grouped in shards (`/accounts/s07/A0002`) because
 * Framework extracts each page's data from an archive, and reading one archive of 10k accounts
 * once per page is far too slow; a shard's archive holds about ACCOUNTS_PER_SHARD accounts. The
 * loaders and the pages share these functions, so a link always points where the page is built.
 */

export const ACCOUNTS_PER_SHARD = 250;

/** How many shards `accounts` account pages need. */
export function shardCount(accounts: number): number {
  return Math.max(1, Math.ceil(accounts / ACCOUNTS_PER_SHARD));
}

/** The shard of an account slug: a stable hash (FNV-1a) modulo the shard count, as `s00`... */
export function shardOf(slug: string, shards: number): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < slug.length; i++) {
    hash ^= slug.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return shardName(hash % shards);
}

/** The name of shard number `index`: `s00`, `s01`... */
export function shardName(index: number): string {
  return `s${String(index).padStart(2, "0")}`;
}

/** The account page's path below the site root, without a leading slash. */
export function accountPath(slug: string, shards: number): string {
  return `accounts/${shardOf(slug, shards)}/${slug}`;
}
