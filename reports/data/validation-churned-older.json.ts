import { olderChurnersLoader } from "../../loaders/validation.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(olderChurnersLoader);
