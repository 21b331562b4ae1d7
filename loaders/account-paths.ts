/**
 * The account pages to build, for `dynamicPaths` in observablehq.config.ts: one per account in the
 * engine outputs, at `/accounts/<shard>/<slug>`.
 */
import { accountPath, shardCount } from "../reports/lib/account-link.ts";
import { engineOutputs } from "./engine-outputs.ts";
import { accountSlug } from "./lib/encode.ts";
import { withOutputs } from "./lib/outputs.ts";

/** Every account page path, with a leading slash. */
export async function accountPagePaths(): Promise<string[]> {
  return withOutputs(await engineOutputs(), async ({ db }) => {
    const ids = (await db.all<{ account_id: string }>("select account_id from accounts order by account_id")).map((r) => r.account_id);
    const shards = shardCount(ids.length);
    return ids.map((id) => `/${accountPath(accountSlug(id), shards)}`);
  });
}
