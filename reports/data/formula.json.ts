import { formulaLoader } from "../../loaders/formula.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(formulaLoader);
