import { portfolioSlicesRestLoader } from "../../loaders/portfolio.ts";
import { runLoader } from "../../loaders/lib/run.ts";
// the Portfolio page's slices beyond the first of each dimension, fetched when the reader picks a dimension with more
await runLoader(portfolioSlicesRestLoader);
