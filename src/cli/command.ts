/** The shape of a `health` subcommand and the options every subcommand shares. */
import type { ParseArgsConfig } from "node:util";
import type { Logger } from "../core/log.ts";
import type { OutputFormat } from "../core/records.ts";
import type { Locations } from "../core/paths.ts";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CommandContext {
  /** --data, --formula, --out after environment and demo defaults. */
  locations: Locations;
  /** Whether --data / --out were given explicitly (some commands default differently). */
  explicit: { data: boolean; formula: boolean; out: boolean };
  /** Values of the command's own options. */
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
  format: OutputFormat;
  log: Logger;
  /** Writes report text to stdout. */
  print: (text: string) => void;
}

export interface Command {
  name: string;
  /** One line for `health --help`. */
  summary: string;
  /** Usage line, e.g. "health explain ACCOUNT_ID [--as-of DATE]". */
  usage: string;
  /** Extra help lines (options, examples). */
  help: string;
  options: OptionSpec;
  /** Publishes files to --out: the output directory is checked (a writable directory, not inside --data) before any work. */
  writesOut?: boolean;
  run(context: CommandContext): Promise<number>;
}

/** Options that every subcommand accepts, so scripts can pass the same three to any of them. */
export const SHARED_OPTIONS: OptionSpec = {
  data: { type: "string" },
  formula: { type: "string" },
  out: { type: "string" },
  format: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
};

export const SHARED_HELP = `Shared options (every command):
  --data DIR       warehouse exports (default: $HEALTH_DATA, else the demo warehouse data/demo)
  --formula FILE   health formula (default: $HEALTH_FORMULA, else src/formula/default-formula.yaml)
  --out DIR        output directory (default: $HEALTH_OUT, else data/out)
  --format F       text | csv | json for what the command prints (default: text)
  -q, --quiet      no progress on stderr
  -h, --help       this help`;
