import { portfolioAccountsLoader } from "../../loaders/portfolio.ts";
import { runLoader } from "../../loaders/lib/run.ts";
// the Portfolio page's accounts table, its first rows: fetched only when the reader reaches it
await runLoader(portfolioAccountsLoader);
