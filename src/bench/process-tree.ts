/**
 * Peak resident memory of the processes a step starts (the site build: Framework and one process
 * per data loader), read from Linux's /proc. RssSampler sees only this process; at 100k accounts
 * one process of the site build reached 6.2 GB and nothing said which one.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessTreePeak {
  /** The largest single descendant at its peak: its RSS and command line. */
  largest: { bytes: number; command: string } | null;
  /** The peak of the descendants' RSS summed at one sample. */
  totalBytes: number;
}

/** Whether /proc can be read here (Linux); elsewhere the sampler reports nothing. */
export function procAvailable(): boolean {
  try {
    readFileSync("/proc/self/statm", "utf8");
    return true;
  } catch {
    return false;
  }
}

/** The page size statm counts in: this process's RSS over its resident pages. */
function pageBytes(): number {
  const pages = Number(readFileSync("/proc/self/statm", "utf8").split(" ")[1]);
  const rss = process.memoryUsage.rss();
  // RSS moves between the two reads: round to the nearest power of two
  return 2 ** Math.round(Math.log2(rss / pages));
}

/** Descendants of `root` with their resident bytes, from one read of /proc. */
export function descendantsRss(root: number, page = pageBytes()): { pid: number; bytes: number }[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // the command in parentheses may hold spaces: the fields after it are counted from its end
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(name), Number(fields[1]));
    } catch {
      // the process ended between the listing and the read
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 0; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  const out: { pid: number; bytes: number }[] = [];
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      out.push({ pid, bytes: Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * page });
    } catch {
      // ended
    }
  }
  return out;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 200);
  } catch {
    return `pid ${pid}`;
  }
}

/** Samples the descendants of this process every `intervalMs` until `stop()`, which returns the peaks. */
export class ProcessTreeSampler {
  private readonly timer: NodeJS.Timeout | null;
  private readonly page: number;
  private peak: ProcessTreePeak = { largest: null, totalBytes: 0 };

  constructor(intervalMs = 250) {
    this.page = procAvailable() ? pageBytes() : 0;
    this.timer = this.page ? setInterval(() => this.sample(), intervalMs) : null;
    this.timer?.unref();
  }

  stop(): ProcessTreePeak | null {
    if (!this.timer) return null;
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    const rows = descendantsRss(process.pid, this.page);
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    if (total > this.peak.totalBytes) this.peak.totalBytes = total;
    for (const r of rows) {
      if (r.bytes > (this.peak.largest?.bytes ?? 0)) this.peak.largest = { bytes: r.bytes, command: commandOf(r.pid) };
    }
  }
}
