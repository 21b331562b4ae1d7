import { portfolioAccountsRestLoader } from "../../loaders/portfolio.ts";
import { runLoader } from "../../loaders/lib/run.ts";
// the Portfolio page's accounts table, its other rows: fetched only when the reader asks for more than the first
await runLoader(portfolioAccountsRestLoader);
