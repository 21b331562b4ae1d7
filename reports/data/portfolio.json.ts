import { portfolioLoader } from "../../loaders/portfolio.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(portfolioLoader);
