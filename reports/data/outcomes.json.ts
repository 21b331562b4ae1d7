import { outcomesLoader } from "../../loaders/outcomes.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(outcomesLoader);
