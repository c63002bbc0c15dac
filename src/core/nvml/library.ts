/**
 * Loads libnvidia-ml through koffi, resolves symbols lazily (once each), chooses each versioned
 * family's variant once (`families.ts`), initialises NVML once on first use and shuts it down at
 * exit.
 *
 * @module
 */
import koffi, { type LibraryHandle } from 'koffi';
import path from 'node:path';
import { checkSharedLibrary, locateSharedLibrary } from './elf.js';
import { NvmlError, NvmlFunctionNotFoundError, NvmlLibraryNotFoundError, nvmlErrorFromCode, type DamagedLibrary } from './errors.js';
import { INIT, SAME_SHAPE_FAMILIES, type Family, type Variant } from './families.js';
import { PROTOTYPES } from './symbols.js';
import { NVML_ERROR_FUNCTION_NOT_FOUND, NVML_SUCCESS } from './return-codes.js';
import { withLocalTypeNames } from './named-types.js';
// Registers the struct and handle types that the prototypes name.
import './structs.js';

/** A resolved native function. */
export type NativeFunction = (...args: unknown[]) => unknown;

/**
 * The library names and paths to try, in order: `NVITOP_NVML_LIBRARY` first, then the platform's
 * standard names (Linux: `libnvidia-ml.so.1`, then `libnvidia-ml.so`; Windows: System32, then
 * `%ProgramFiles%\NVIDIA Corporation\NVSMI`).
 */
export function libraryCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const candidates: string[] = [];
  const explicit = env.NVITOP_NVML_LIBRARY;
  if (explicit !== undefined && explicit !== '') candidates.push(explicit);
  if (platform === 'win32') {
    const windir = env.WINDIR ?? env.SystemRoot ?? 'C:\\Windows';
    const programFiles = env.ProgramFiles ?? 'C:\\Program Files';
    candidates.push(path.win32.join(windir, 'System32', 'nvml.dll'));
    candidates.push(path.win32.join(programFiles, 'NVIDIA Corporation', 'NVSMI', 'nvml.dll'));
  } else if (platform !== 'darwin') {
    candidates.push('libnvidia-ml.so.1', 'libnvidia-ml.so');
  }
  return candidates;
}

/**
 * What is wrong with the file `candidate` names (a path, or the file the loader would pick for a
 * bare name), or null when it looks loadable or cannot be found or read (then `dlopen` reports).
 */
function damageOf(candidate: string): DamagedLibrary | null {
  const file = candidate.includes('/') ? candidate : locateSharedLibrary(candidate);
  if (file === null) return null;
  let problem: string | null;
  try {
    problem = checkSharedLibrary(file);
  } catch {
    return null;
  }
  return problem === null ? null : { path: file, problem };
}

/** One loaded NVML library with its lazily resolved symbols. */
class NvmlLibrary {
  private lib: LibraryHandle | null = null;
  private loadError: NvmlLibraryNotFoundError | null = null;
  private readonly functions = new Map<string, NativeFunction | null>();
  private readonly chosen = new Map<Family, number>();
  private readonly singles = new Map<string, Family>();
  private initError: NvmlError | null = null;
  private initialized = false;
  private exitHookInstalled = false;
  /** Path or name the library was loaded from. */
  loadedFrom: string | null = null;
  /** Functions found missing (FunctionNotFound), in order of discovery. */
  readonly unknownFunctions = new Set<string>();

  /**
   * Loads the library (once); throws {@link NvmlLibraryNotFoundError} when none loads. On Linux
   * each candidate file is checked first (see `elf.ts`): `dlopen` of a truncated library dies of
   * SIGBUS, so a damaged file is refused and the next candidate tried.
   */
  load(): LibraryHandle {
    if (this.lib !== null) return this.lib;
    if (this.loadError !== null) throw this.loadError;
    const candidates = libraryCandidates();
    const reasons: string[] = [];
    const damaged: DamagedLibrary[] = [];
    for (const candidate of candidates) {
      const problem = process.platform === 'linux' ? damageOf(candidate) : null;
      if (problem !== null) {
        damaged.push(problem);
        reasons.push(`${candidate}: ${problem.path} is damaged (${problem.problem})`);
        continue;
      }
      try {
        this.lib = koffi.load(candidate);
        this.loadedFrom = candidate;
        return this.lib;
      } catch (error) {
        reasons.push(`${candidate}: ${(error as Error).message}`);
      }
    }
    this.loadError = new NvmlLibraryNotFoundError(candidates, reasons, damaged);
    throw this.loadError;
  }

  /** The native function of `symbol`, or null when the library does not export it. */
  resolve(symbol: string): NativeFunction | null {
    const cached = this.functions.get(symbol);
    if (cached !== undefined) return cached;
    const prototype = PROTOTYPES[symbol];
    if (prototype === undefined) throw new Error(`internal: no prototype for ${symbol}`);
    const lib = this.load();
    let fn: NativeFunction | null;
    try {
      fn = lib.func(withLocalTypeNames(prototype)) as NativeFunction;
    } catch {
      fn = null;
    }
    this.functions.set(symbol, fn);
    return fn;
  }

  /** Whether the library exports `symbol` (resolving it if needed). */
  has(symbol: string): boolean {
    return this.resolve(symbol) !== null;
  }

  /** The family of `name`: its record when it is versioned, else a family of one symbol. */
  familyOf(name: string): Family {
    const versioned = SAME_SHAPE_FAMILIES[name];
    if (versioned !== undefined) return versioned;
    let single = this.singles.get(name);
    if (single === undefined) this.singles.set(name, (single = { name, variants: [{ symbol: name }] }));
    return single;
  }

  /**
   * The variant of `family` in use: the first (newest) whose symbol the library exports and
   * whose condition holds, chosen at first use; null when there is none.
   */
  variant<V extends Variant>(family: Family<V>): V | null {
    let index = this.chosen.get(family);
    if (index === undefined) {
      index = this.firstUsable(family, 0, null);
      this.chosen.set(family, index);
    }
    return index < 0 ? null : (family.variants[index] as V);
  }

  private firstUsable(family: Family, from: number, skip: string | null): number {
    const has = (symbol: string): boolean => this.has(symbol);
    for (let i = from; i < family.variants.length; i += 1) {
      const variant = family.variants[i] as Variant;
      if (variant.symbol !== skip && has(variant.symbol) && (variant.when?.(has) ?? true)) return i;
    }
    return -1;
  }

  /**
   * After `variant` answered FUNCTION_NOT_FOUND at run time: the family moves to its next usable
   * variant with another symbol, and the symbol counts as missing. False (nothing changed) when
   * there is none.
   */
  private demote(family: Family, variant: Variant): boolean {
    const next = this.firstUsable(family, family.variants.indexOf(variant) + 1, variant.symbol);
    if (next < 0) return false;
    this.functions.set(variant.symbol, null);
    this.chosen.set(family, next);
    return true;
  }

  /**
   * Calls `family` through `attempt`, which gets the chosen variant's native function and the
   * variant and returns the `nvmlReturn_t`. A FUNCTION_NOT_FOUND answer moves the family to its
   * next variant and tries again. Returns the variant that answered SUCCESS (or one of `accept`)
   * and the code.
   *
   * @throws {@link NvmlFunctionNotFoundError} when the library has no variant; the
   *   {@link NvmlError} of any other code.
   */
  invoke<V extends Variant>(family: Family<V>, attempt: (fn: NativeFunction, variant: V) => number, accept: readonly number[] = []): { variant: V; code: number } {
    this.ensureInitialized();
    for (;;) {
      const variant = this.variant(family);
      if (variant === null) {
        const wanted = (family.variants[0] as Variant).symbol;
        this.unknownFunctions.add(wanted);
        throw new NvmlFunctionNotFoundError(wanted);
      }
      const code = attempt(this.resolve(variant.symbol) as NativeFunction, variant);
      if (code === NVML_SUCCESS || accept.includes(code)) return { variant, code };
      if (code === NVML_ERROR_FUNCTION_NOT_FOUND && this.demote(family, variant)) continue;
      throw this.errorFor(code, variant.symbol);
    }
  }

  /** Calls the family `name` with `args` and throws the matching {@link NvmlError} unless it returns SUCCESS. */
  check(name: string, args: unknown[]): void {
    this.invoke(this.familyOf(name), (fn) => fn(...args) as number);
  }

  /** The error object for a return code, with NVML's own message when available. */
  errorFor(code: number, functionName: string): NvmlError {
    if (this.quietDepth === 0) return nvmlErrorFromCode(code, functionName, this.errorString(code));
    // Inside a query whose errors become NA nobody reads the stack: skip capturing it, which is
    // most of an error's cost (an unsupported query fails on every refresh).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return nvmlErrorFromCode(code, functionName, this.errorString(code));
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** How many NA-converting queries are running (their errors need no stack trace). */
  quietDepth = 0;
  private readonly errorStrings = new Map<number, string | undefined>();

  /** `nvmlErrorString(code)` (cached per code), or undefined when the library is not loaded. */
  errorString(code: number): string | undefined {
    if (this.lib === null) return undefined;
    if (this.errorStrings.has(code)) return this.errorStrings.get(code);
    const fn = this.resolve('nvmlErrorString');
    const text = fn === null ? undefined : fn(code);
    const message = typeof text === 'string' ? text : undefined;
    this.errorStrings.set(code, message);
    return message;
  }

  /** Initialises NVML once (`nvmlInitWithFlags(0)`, else `nvmlInit_v2`); rethrows a failure. */
  ensureInitialized(): void {
    if (this.initialized) return;
    if (this.initError !== null) throw this.initError;
    this.load();
    const variant = this.variant(INIT);
    if (variant === null) {
      this.initError = new NvmlFunctionNotFoundError((INIT.variants[0] as Variant).symbol);
      throw this.initError;
    }
    const fn = this.resolve(variant.symbol) as NativeFunction;
    const code = fn(...variant.args()) as number;
    if (code !== NVML_SUCCESS) {
      this.initError = this.errorFor(code, variant.symbol);
      throw this.initError;
    }
    this.initialized = true;
    if (!this.exitHookInstalled) {
      this.exitHookInstalled = true;
      process.once('exit', () => this.shutdown());
    }
  }

  /** Whether NVML is initialised now. */
  get isInitialized(): boolean {
    return this.initialized;
  }

  /** Calls `nvmlShutdown` once if initialised (errors are ignored, as NVML documents). */
  shutdown(): void {
    if (!this.initialized) return;
    this.initialized = false;
    const fn = this.resolve('nvmlShutdown');
    if (fn !== null) fn();
  }
}

/** The process-wide NVML library (NVML is itself per-process). */
export const nvml = new NvmlLibrary();
