import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // DuckDB work is CPU-bound and the machine has two cores.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // no data snapshot in <out>/.health-cache unless a test asks for one (test/health/snapshot.test.ts):
    // the tests that list an output directory see only the run's files
    env: { HEALTH_CACHE: "off" },
  },
});
