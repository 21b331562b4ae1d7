/**
 * Where an account is shown. One viewer page (`/account?id=<id>`) shows any account; its data is
 * grouped in shard files (`_file/data/accounts/s007.json`, each about ACCOUNTS_PER_SHARD accounts
 * keyed by id), and the viewer fetches only the shard of the account asked for. The loaders, the
 * build and the pages share these functions, so a link always finds its account's shard.
 */

/** Accounts per shard file: a shard of the demo's 2-year histories is about half a megabyte. */
export const ACCOUNTS_PER_SHARD = 10;

/**
 * The lists of an account's entry sent as columns (`columnsOf`; `rowsOf` on the page): as arrays
 * of row objects, their repeated keys and labels were over half a shard's bytes.
 */
export const PACKED_LISTS = ["measures", "drivers", "people", "tickets", "surveys", "alerts", "interventions"] as const;

/** How many shards `accounts` accounts need. */
export function shardCount(accounts: number): number {
  return Math.max(1, Math.ceil(accounts / ACCOUNTS_PER_SHARD));
}

/** The shard of an account id: a stable hash (FNV-1a over its UTF-16 code units) modulo the shard count, as `s000`... */
export function shardOf(accountId: string, shards: number): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return shardName(hash % shards);
}

/** The name of shard number `index`: `s000`, `s001`... (`s1234` past a thousand). */
export function shardName(index: number): string {
  return `s${String(index).padStart(3, "0")}`;
}

/** The path of a shard's file below the site root, without a leading slash (the build and the preview serve it there). */
export function shardFile(shard: string): string {
  return `_file/data/accounts/${shard}.json`;
}

/** The viewer's address for an account, below the site root, without a leading slash. */
export function accountPath(accountId: string): string {
  return `account?id=${encodeURIComponent(accountId)}`;
}

/** The account id a viewer URL asks for: `?id=...`, else the hash (`account#ACC-00042`); null when neither. */
export function accountIdFromUrl(url: string): string | null {
  const u = new URL(url, "http://localhost/");
  const id = u.searchParams.get("id");
  if (id !== null && id.trim() !== "") return id;
  if (u.hash.length > 1) {
    try {
      return decodeURIComponent(u.hash.slice(1));
    } catch {
      return u.hash.slice(1);
    }
  }
  return null;
}
