import { olderAlertsLoader } from "../../loaders/alerts.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(olderAlertsLoader);
