/**
 * The one place a loader touches the process: run `produce`, write its result to stdout, and on
 * failure print the error to stderr and exit non-zero so the build fails.
 */
import { engineOutputs } from "../engine-outputs.ts";

export type LoaderResult = string | Uint8Array;

/** Runs a loader core against the engine outputs for the current data and formula. */
export async function runLoader(produce: (outputsDir: string) => Promise<LoaderResult>): Promise<void> {
  try {
    const result = await produce(await engineOutputs());
    await new Promise<void>((resolve, reject) => process.stdout.write(result, (error) => (error ? reject(error) : resolve())));
  } catch (error) {
    process.stderr.write(`loader failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}
