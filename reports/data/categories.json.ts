import { categoriesLoader } from "../../loaders/categories.ts";
import { runLoader } from "../../loaders/lib/run.ts";
await runLoader(categoriesLoader);
