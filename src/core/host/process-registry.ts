/**
 * The registry behind `HostProcess.get`: one live instance per PID, replaced when the PID's
 * process changes (another start stamp, another platform), and pruned of processes that are
 * gone at most every 30 seconds.
 *
 * @module
 */

const PRUNE_INTERVAL_MS = 30_000;

/** What the registry needs of an entry. */
export interface RegistryEntry {
  /** Whether the entry's process still runs (never throws). */
  isRunning(): boolean;
}

/**
 * PID → instance, pruned of entries whose process is gone.
 *
 * @example
 * ```ts
 * const registry = new ProcessRegistry<HostProcess>();
 * registry.lookup(pid, (p) => p.same(stat), () => create(stat));
 * ```
 */
export class ProcessRegistry<T extends RegistryEntry> {
  readonly #entries = new Map<number, T>();
  #lastPrune = 0;

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entry of `pid` when `isCurrent` accepts it, else a new one from `create` (which
   * replaces it). Prunes first when the last prune is 30 seconds old.
   */
  lookup(pid: number, isCurrent: (existing: T) => boolean, create: () => T): T {
    const now = Date.now();
    if (now - this.#lastPrune > PRUNE_INTERVAL_MS) {
      this.#lastPrune = now;
      this.prune();
    }
    const existing = this.#entries.get(pid);
    if (existing !== undefined && isCurrent(existing)) return existing;
    const instance = create();
    this.#entries.set(pid, instance);
    return instance;
  }

  /** Drops the entry of `pid` (only when it is `instance`, if given). */
  forget(pid: number, instance?: T): void {
    if (instance === undefined || this.#entries.get(pid) === instance) this.#entries.delete(pid);
  }

  /** Drops the entries whose process is gone; returns how many were dropped. */
  prune(): number {
    let dropped = 0;
    for (const [pid, instance] of this.#entries) {
      if (!instance.isRunning()) {
        this.#entries.delete(pid);
        dropped += 1;
      }
    }
    return dropped;
  }
}
