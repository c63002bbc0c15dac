/**
 * Which GPU processes the collector records: descendants of the root PIDs (nvitop's
 * positive/negative process caches, with the process table read at most once per sample).
 *
 * @module
 */
import { host, type GpuProcess, type HostProcess } from '../core/index.js';

interface Verdict {
  /** The host process the verdict was made for (null: the PID is not visible here). */
  readonly identity: HostProcess | null;
  readonly descendant: boolean;
}

/** Parent chains longer than this are treated as a loop in a corrupt process table. */
const MAX_DEPTH = 4096;

/**
 * Decides whether GPU processes descend from one of the root PIDs. Verdicts are cached per PID
 * together with the process's identity (PID and start time, through the {@link HostProcess}
 * instance), so a reused PID is judged again; the process table (`host.ppidMap()`) is scanned
 * only when a sample brings a process not judged before. Entries of PIDs that left the GPUs are
 * dropped, so the cache stays as small as the set of GPU processes.
 *
 * `rootPids` containing 1 (init) accepts every GPU process, including PIDs this PID namespace
 * cannot see (a container without `--pid=host`). An empty `rootPids` accepts none.
 * @internal
 */
export class DescendantFilter {
  readonly #roots: ReadonlySet<number>;
  readonly #all: boolean;
  readonly #verdicts = new Map<number, Verdict>();

  constructor(rootPids: Iterable<number>) {
    this.#roots = new Set(rootPids);
    this.#all = this.#roots.has(1);
  }

  /** The root PIDs. */
  get roots(): ReadonlySet<number> {
    return this.#roots;
  }

  /** Keeps the entries of `processes` whose process descends from a root PID. */
  filter<T extends { readonly process: GpuProcess }>(processes: readonly T[]): T[] {
    if (this.#all) return [...processes];
    if (this.#roots.size === 0 || processes.length === 0) {
      this.#verdicts.clear();
      return [];
    }
    let table: Map<number, number> | undefined;
    const identities = new Map<number, HostProcess | null>(); // one lookup per PID per call
    const kept: T[] = [];
    for (const item of processes) {
      const pid = item.process.pid;
      let identity = identities.get(pid);
      if (identity === undefined) {
        identity = hostOf(item.process);
        identities.set(pid, identity);
      }
      let verdict = this.#verdicts.get(pid);
      if (verdict === undefined || verdict.identity !== identity) {
        let descendant = false;
        if (identity !== null) {
          table ??= safePpidMap();
          descendant = this.#descends(pid, table);
        }
        verdict = { identity, descendant };
        this.#verdicts.set(pid, verdict);
      }
      if (verdict.descendant) kept.push(item);
    }
    if (this.#verdicts.size > identities.size) {
      for (const pid of this.#verdicts.keys()) if (!identities.has(pid)) this.#verdicts.delete(pid);
    }
    return kept;
  }

  #descends(pid: number, table: ReadonlyMap<number, number>): boolean {
    let current = pid;
    for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
      if (this.#roots.has(current)) return true;
      const parent = table.get(current);
      if (parent === undefined || parent <= 0 || parent === current) return false;
      current = parent;
    }
    return false;
  }
}

function hostOf(process: GpuProcess): HostProcess | null {
  try {
    return process.host;
  } catch {
    return null;
  }
}

function safePpidMap(): Map<number, number> {
  try {
    return host.ppidMap();
  } catch {
    return new Map();
  }
}
