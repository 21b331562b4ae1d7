/**
 * Peak resident memory while a step runs. DuckDB works inside this process on its own threads, so
 * sampling the process RSS from the (free) event loop sees DuckDB's memory too.
 */

/** Tracks the peak RSS since the last `reset()`, sampling every `intervalMs`. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Starts a new window; returns the peak of the window that ends. */
  reset(): number {
    this.sample();
    const peak = this.peak;
    this.peak = process.memoryUsage.rss();
    return peak;
  }

  /** Peak of the process's whole life so far, from the kernel (includes moments between samples). */
  static lifetimePeak(): number {
    return process.resourceUsage().maxRSS * 1024;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}
