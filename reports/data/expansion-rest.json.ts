import { restOfExpansionLoader } from "../../loaders/tables.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(restOfExpansionLoader);
