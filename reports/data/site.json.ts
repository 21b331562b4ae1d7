import { siteLoader } from "../../loaders/site.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(siteLoader);
