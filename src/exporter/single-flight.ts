/**
 * A TTL cache with single flight: concurrent callers share one running load, and callers within
 * the TTL after it finished share its result. N scrapers arriving together cost one collection.
 *
 * @module
 */

/**
 * Caches the result of `load` for `ttlMs` milliseconds after it settles; while a load runs,
 * every caller gets the same promise. A failed load is not cached (the next call retries).
 *
 * @example
 * ```ts
 * const cached = new SingleFlight(() => collectSample(devices), 1000);
 * const [a, b] = await Promise.all([cached.get(), cached.get()]); // one collection, a === b
 * ```
 */
export class SingleFlight<T> {
  readonly #load: () => T | Promise<T>;
  readonly #ttlMs: number;
  #inFlight: Promise<T> | undefined;
  #value: { readonly at: number; readonly value: T } | undefined;
  #loads = 0;

  constructor(load: () => T | Promise<T>, ttlMs: number) {
    this.#load = load;
    this.#ttlMs = ttlMs;
  }

  /** How many times `load` has run (a figure for tests and benchmarks). */
  get loads(): number {
    return this.#loads;
  }

  /** The TTL in milliseconds. */
  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** The cached value if it is still fresh, else undefined (starts nothing). */
  peek(): T | undefined {
    const cached = this.#value;
    return cached !== undefined && performance.now() - cached.at < this.#ttlMs ? cached.value : undefined;
  }

  /** The fresh cached value, the running load's result, or the result of a new load. */
  get(): Promise<T> {
    const cached = this.#value;
    if (cached !== undefined && performance.now() - cached.at < this.#ttlMs) return Promise.resolve(cached.value);
    if (this.#inFlight !== undefined) return this.#inFlight;
    this.#loads += 1;
    const flight: Promise<T> = Promise.resolve()
      .then(() => this.#load())
      .then((value) => {
        this.#value = { at: performance.now(), value };
        return value;
      })
      .finally(() => {
        if (this.#inFlight === flight) this.#inFlight = undefined;
      });
    this.#inFlight = flight;
    return flight;
  }

  /** Forgets the cached value (a running load still completes and is cached). */
  invalidate(): void {
    this.#value = undefined;
  }
}
