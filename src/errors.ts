/** Errors the CLI maps to documented exit codes; anything else is a bug and exits 1. */

/** Bad command line: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  override name = "UsageError";
}

/** Bad input: exports that break the contract, an invalid formula file. Exit code 3. */
export class InputError extends Error {
  readonly exitCode: number = 3;
  override name = "InputError";
}

export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3 } as const;
