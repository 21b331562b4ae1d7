import { accountShardLoader, shardArgument } from "../../../loaders/accounts.ts";
import { runLoader } from "../../../loaders/lib/run.ts";
await runLoader((dir) => accountShardLoader(dir, shardArgument()));
