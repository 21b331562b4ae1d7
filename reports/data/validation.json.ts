import { validationLoader } from "../../loaders/validation.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(validationLoader);
