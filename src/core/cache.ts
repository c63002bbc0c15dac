/**
 * Short-lived caching of NVML queries, so one refresh asks NVML each thing once.
 *
 * @module
 */

/** Cache settings shared by every device. */
export const queryCacheSettings = {
  /** How long a dynamic query result (utilization, memory, …) is reused, in milliseconds. */
  ttlMs: 500,
};

/**
 * Sets how long dynamic device queries are cached (default 500 ms). `0` disables the cache:
 * every call asks NVML. Identity facts (name, UUID, bus id, total memory) are cached for the
 * device's life regardless.
 *
 * @example
 * ```ts
 * setQueryCacheTtl(0); // always fresh values, e.g. in a test that changes the GPU's state
 * ```
 */
export function setQueryCacheTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new RangeError(`Invalid cache TTL: ${ttlMs}. Expected a number of milliseconds >= 0.`);
  queryCacheSettings.ttlMs = ttlMs;
}

/** A cached value and when it was stored (`Infinity` for a permanent one). */
export interface Entry {
  readonly at: number;
  readonly value: unknown;
}

/** A small per-object memo: permanent entries and TTL entries, keyed by query name. */
export class QueryMemo {
  private readonly entries = new Map<string, Entry>();
  private scopeDepth = 0;

  /** Returns the cached value of `key` if fresh, else computes and stores it. */
  get<T>(key: string, compute: () => T, permanent = false): T {
    const entry = this.fresh(key, permanent);
    return entry !== undefined ? (entry.value as T) : this.put(key, compute(), permanent);
  }

  /**
   * The entry of `key` when it may be used (permanent, inside a scope, or younger than the TTL),
   * else undefined; with {@link put}, a lookup that allocates nothing on a hit.
   */
  fresh(key: string, permanent = false): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // The clock is read only when an entry's age decides (most hits are inside a oneshot scope).
    if (permanent || this.scopeDepth > 0 || entry.at === Number.POSITIVE_INFINITY) return entry;
    return performance.now() - entry.at < queryCacheSettings.ttlMs ? entry : undefined;
  }

  /** Stores `value` under `key` (when caching is on, or in a scope, or `permanent`) and returns it. */
  put<T>(key: string, value: T, permanent = false): T {
    if (permanent || queryCacheSettings.ttlMs > 0 || this.scopeDepth > 0) {
      this.entries.set(key, { at: permanent ? Number.POSITIVE_INFINITY : performance.now(), value });
    }
    return value;
  }

  /** Runs `fn` with every cached value frozen (nvitop's `oneshot()`), whatever the TTL. */
  scope<T>(fn: () => T): T {
    if (this.scopeDepth === 0) this.dropExpired();
    this.scopeDepth += 1;
    try {
      return fn();
    } finally {
      this.scopeDepth -= 1;
      if (this.scopeDepth === 0 && queryCacheSettings.ttlMs === 0) this.dropExpired();
    }
  }

  /** Forgets every non-permanent entry. */
  clear(): void {
    for (const [key, entry] of this.entries) if (entry.at !== Number.POSITIVE_INFINITY) this.entries.delete(key);
  }

  private dropExpired(): void {
    const now = performance.now();
    for (const [key, entry] of this.entries) {
      if (entry.at !== Number.POSITIVE_INFINITY && now - entry.at >= queryCacheSettings.ttlMs) this.entries.delete(key);
    }
  }
}
