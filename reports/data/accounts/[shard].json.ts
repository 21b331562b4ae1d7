import { accountShardLoader, shardArgument } from "../../../loaders/accounts.ts";
import { runLoader } from "../../../loaders/lib/run.ts";
// the preview's source of /_file/data/accounts/<shard>.json; the build copies every shard itself (src/site/build-site.ts)
await runLoader((dir) => accountShardLoader(dir, shardArgument()));
