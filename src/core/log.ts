/** Progress and diagnostics for every command, loader and script, always on stderr so stdout stays a clean report. */

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Times a step and logs its duration when it ends. */
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
}

export function createLogger(options: { quiet?: boolean; write?: (text: string) => void } = {}): Logger {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const started = performance.now();
  const stamp = () => `${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const info = (message: string) => {
    if (!options.quiet) write(`[health ${stamp()}] ${message}\n`);
  };
  return {
    info,
    warn: (message) => write(`[health ${stamp()}] warning: ${message}\n`),
    async step(label, work) {
      const t0 = performance.now();
      info(`${label}...`);
      const result = await work();
      info(`${label}: done in ${((performance.now() - t0) / 1000).toFixed(2)}s`);
      return result;
    },
  };
}
