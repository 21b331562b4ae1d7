/** The `health` command: parses the shared options, dispatches to a subcommand, maps errors to exit codes. */
import { parseArgs } from "node:util";
import { EXIT, UsageError } from "../errors.ts";
import { SHARED_HELP, SHARED_OPTIONS, type Command, type CommandContext } from "./command.ts";
import { alertsCommand } from "./commands/alerts.ts";
import { backtestCommand } from "./commands/backtest.ts";
import { calibrateCommand, tuneCommand } from "./commands/calibrate.ts";
import { checkCommand } from "./commands/check.ts";
import { expansionCommand } from "./commands/expansion.ts";
import { explainCommand } from "./commands/explain.ts";
import { formulaCommand } from "./commands/formula.ts";
import { generateCommand } from "./commands/generate.ts";
import { notifyCommand } from "./commands/notify.ts";
import { outcomesCommand } from "./commands/outcomes.ts";
import { runCommand } from "./commands/run.ts";
import { scoreCommand } from "./commands/score.ts";
import { createLogger } from "../core/log.ts";
import type { OutputFormat } from "../core/records.ts";
import { checkOutDir } from "./out-dir.ts";
import { resolveLocations } from "../core/paths.ts";
import { checkSettings } from "../db/duckdb.ts";

const COMMANDS: Command[] = [
  runCommand,
  generateCommand,
  checkCommand,
  scoreCommand,
  explainCommand,
  alertsCommand,
  expansionCommand,
  formulaCommand,
  backtestCommand,
  calibrateCommand,
  tuneCommand,
  notifyCommand,
  outcomesCommand,
];

const FORMATS: readonly OutputFormat[] = ["text", "csv", "json"];

export interface MainIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs `health <argv>` and returns the exit code (0 ok, 1 failure, 2 usage, 3 bad input, 4 notify left something undelivered). */
export async function main(argv: string[], io: MainIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    stdout(topHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; run "health --help" for the list`);
    const { values, positionals } = parse(command, rest);
    if (values.help) {
      stdout(commandHelp(command));
      return EXIT.ok;
    }
    const format = (values.format ?? "text") as OutputFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    const flags = {
      data: values.data as string | undefined,
      formula: values.formula as string | undefined,
      out: values.out as string | undefined,
    };
    const locations = resolveLocations(flags, io.env ?? process.env);
    // settings and the output directory are checked before any work, not after the scoring
    if (command.name !== "formula") await checkSettings();
    if (command.writesOut) checkOutDir(locations);
    return await command.run({
      locations,
      explicit: { data: flags.data !== undefined, formula: flags.formula !== undefined, out: flags.out !== undefined },
      options: values as CommandContext["options"],
      positionals,
      format,
      log: createLogger({ quiet: Boolean(values.quiet), write: stderr }),
      print: stdout,
    });
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    if (exitCode === EXIT.usage || exitCode === EXIT.input) {
      stderr(`health ${name}: ${(error as Error).message}\n`);
      return exitCode;
    }
    stderr(`health ${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failure;
  }
}

function parse(command: Command, args: string[]) {
  try {
    return parseArgs({ args, options: { ...SHARED_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]}\nusage: ${command.usage}`);
  }
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `health: customer health workbench

usage: health <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "health <command> --help" for a command's options.
Exit codes: 0 ok, 1 unexpected failure, 2 bad command line or setting, 3 bad input (exports, formula or notify config),
4 (notify) something left undelivered for the next run.
`;
}

function commandHelp(command: Command): string {
  return `usage: ${command.usage}

${command.summary}.
${command.help ? `\n${command.help}\n` : ""}
${SHARED_HELP}
`;
}
