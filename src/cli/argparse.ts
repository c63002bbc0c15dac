/**
 * The option scanner the command lines share: a declarative table of options (key, names,
 * arity) turns an argv into raw values per key, with argparse's forms — long options with
 * unique-prefix abbreviation (an "ambiguous option" error when a prefix names two options) and
 * `--opt=value`; short options with attached values (`-n4`), multi-character short names
 * (`-ov`) and flag clusters (`-S0`, `-1c`); optional (`-m [mode]`), fixed-count
 * (`--gpu-util-thresh 10 75`) and variadic (`-o 0 1`, `-u [USER ...]`) values that stop at the
 * next option-looking token; and `--`, after which every token is left alone.
 *
 * The scanner only splits tokens; each command converts and validates its own values and owns
 * its usage and help text. Errors are {@link UsageError}s with argparse's messages.
 *
 * @module
 */

/**
 * A command-line error: the entry point prints the usage line and `<prog>: error: <message>`
 * on stderr and exits with status 2.
 *
 * @example
 * ```ts
 * try { parseNvitopArgs(['--bogus']); } catch (e) { e instanceof UsageError; } // true
 * ```
 */
export class UsageError extends Error {
  /** The class name. */
  override readonly name = 'UsageError';
}

/**
 * How many values an option takes: none (`flag`), zero or one (`optional`), exactly one or two
 * (`one`, `two`), one or more (`some`), any number (`any`).
 *
 * @example
 * ```ts
 * const arity: Arity = 'some'; // `--only 0 1 2`
 * ```
 */
export type Arity = 'flag' | 'optional' | 'one' | 'two' | 'some' | 'any';

/**
 * One row of an option table.
 *
 * @example
 * ```ts
 * const only: OptionSpec<'only'> = { key: 'only', names: ['--only', '-o'], arity: 'some' };
 * ```
 */
export interface OptionSpec<K extends string = string> {
  /** Where the values are stored in {@link RawArgs.values}. */
  readonly key: K;
  /** Every spelling, long (`--only`) and short (`-o`, or several characters such as `-ov`). */
  readonly names: readonly string[];
  /** How many values the option takes. */
  readonly arity: Arity;
}

/**
 * Which tokens end an option's values (a token that does not is taken as a value):
 * - `'dash'`: every token of two or more characters that starts with `-`, as argparse does
 *   when the parser has an option that looks like a negative number (nvitop's `-1`);
 * - `'option-like'`: tokens that look like an option: two or more characters starting with `-`,
 *   except negative numbers (`-5`, `-0.5`, `-.5`) and tokens holding a space, which are values, as
 *   argparse does when no option of the parser looks like a negative number (nvitop-exporter);
 * - `'known'`: `--` and tokens that name an option of the table (exactly, by abbreviation, or
 *   ambiguously); negative numbers such as `-5` or `-0.5` are values unless they are an option's
 *   name, and so are unknown dash tokens.
 *
 * @example
 * ```ts
 * new OptionTable(rows, { valueStop: 'known' }).scan(['--sep', '-x']).values.get('sep'); // ['-x']
 * ```
 */
export type ValueStop = 'dash' | 'option-like' | 'known';

/**
 * The raw value of an option: `true` for a flag, `null` for an optional value left out, else
 * the values given (one for `optional` and `one`, two for `two`, several for `some`/`any`).
 *
 * @example
 * ```ts
 * const value: RawValue = table.scan(['-m']).values.get('monitor') ?? null; // null
 * ```
 */
export type RawValue = true | null | readonly string[];

/**
 * What {@link OptionTable.scan} found.
 *
 * @example
 * ```ts
 * const raw: RawArgs<'only'> = table.scan(['-o', '0', '1', 'x', '--', 'cmd']);
 * raw.values.get('only'); // ['0', '1']
 * raw.unrecognized;       // ['x']
 * raw.rest;               // ['cmd']
 * ```
 */
export interface RawArgs<K extends string> {
  /** The value of each option given; when one is given twice, the last occurrence wins. */
  readonly values: ReadonlyMap<K, RawValue>;
  /** Positional tokens and unknown options, in order. */
  readonly unrecognized: readonly string[];
  /** The tokens after `--` (empty when there is none). */
  readonly rest: readonly string[];
}

/**
 * Settings of an {@link OptionTable}.
 *
 * @example
 * ```ts
 * const settings: OptionTableSettings = { valueStop: 'known' };
 * ```
 */
export interface OptionTableSettings {
  /** Which tokens end an option's values (default `'dash'`). */
  readonly valueStop?: ValueStop;
}

type Resolved<K extends string> = { readonly spec: OptionSpec<K> } | { readonly ambiguous: readonly string[] } | undefined;

const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;
/** argparse's `_negative_number_matcher`. */
const ARGPARSE_NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

/**
 * A command's options, ready to scan argvs.
 *
 * @example
 * ```ts
 * const table = new OptionTable([
 *   { key: 'once', names: ['--once', '-1'], arity: 'flag' },
 *   { key: 'only', names: ['--only', '-o'], arity: 'some' },
 * ]);
 * table.scan(['-1o', '0', '1']).values; // Map { 'once' => true, 'only' => ['0', '1'] }
 * table.label('only');                  // '--only/-o'
 * ```
 */
export class OptionTable<K extends string> {
  readonly #byKey: ReadonlyMap<K, OptionSpec<K>>;
  readonly #byName: ReadonlyMap<string, OptionSpec<K>>;
  readonly #longNames: readonly string[];
  readonly #valueStop: ValueStop;

  /**
   * Builds the lookup maps of `options`.
   *
   * @example
   * ```ts
   * new OptionTable([{ key: 'help', names: ['--help', '-h'], arity: 'flag' }]);
   * ```
   */
  constructor(options: readonly OptionSpec<K>[], settings: OptionTableSettings = {}) {
    this.#byKey = new Map(options.map((spec) => [spec.key, spec]));
    this.#byName = new Map(options.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));
    this.#longNames = options.flatMap((spec) => spec.names.filter((name) => name.startsWith('--')));
    this.#valueStop = settings.valueStop ?? 'dash';
  }

  /**
   * The names of the option stored under `key`, joined as argparse names it in messages.
   *
   * @example
   * ```ts
   * throw new UsageError(`argument ${table.label('only')}: invalid int value: 'x'`); // --only/-o
   * ```
   */
  label(key: K): string {
    const spec = this.#byKey.get(key);
    if (spec === undefined) throw new Error(`no option is stored under '${key}'`);
    return spec.names.join('/');
  }

  /**
   * Splits `argv` (without the node and script paths) into option values, unrecognized tokens
   * and the tokens after `--`.
   *
   * @throws {@link UsageError} for an ambiguous abbreviation, a missing value (`expected one
   *   argument`, `expected 2 arguments`, `expected at least one argument`) and a value attached
   *   to a flag (`ignored explicit argument`).
   *
   * @example
   * ```ts
   * table.scan(['--on=0', '-1']).values; // Map { 'only' => ['0'], 'once' => true }
   * ```
   */
  scan(argv: readonly string[]): RawArgs<K> {
    const values = new Map<K, RawValue>();
    const unrecognized: string[] = [];
    let rest: readonly string[] = [];
    for (let index = 0; index < argv.length; index += 1) {
      const token = argv[index] as string;
      if (token === '--') {
        rest = argv.slice(index + 1);
        break;
      }
      if (token.length < 2 || !token.startsWith('-')) {
        unrecognized.push(token);
        continue;
      }
      if (token.startsWith('--')) {
        const equals = token.indexOf('=');
        const spec = this.#lookup(equals < 0 ? token : token.slice(0, equals));
        if (spec === undefined) unrecognized.push(token);
        else index += this.#take(spec, argv, index + 1, equals < 0 ? undefined : token.slice(equals + 1), values);
        continue;
      }
      const exact = this.#byName.get(token);
      if (exact !== undefined) {
        index += this.#take(exact, argv, index + 1, undefined, values);
        continue;
      }
      // `-p=8000`: a short name, `=`, its value (argparse splits at the first `=` when the part
      // before it is an option's name).
      const equals = token.indexOf('=');
      const named = equals > 0 ? this.#byName.get(token.slice(0, equals)) : undefined;
      if (named !== undefined) {
        index += this.#take(named, argv, index + 1, token.slice(equals + 1), values);
        continue;
      }
      // A cluster of one-character options, the last of which may take the rest as its value.
      let cluster = token.slice(1);
      while (cluster.length > 0) {
        const spec = this.#byName.get(`-${cluster[0]}`);
        if (spec === undefined) {
          unrecognized.push(token);
          break;
        }
        cluster = cluster.slice(1);
        if (spec.arity === 'flag') {
          this.#take(spec, argv, index + 1, undefined, values);
          continue;
        }
        index += this.#take(spec, argv, index + 1, cluster.length > 0 ? cluster : undefined, values);
        break;
      }
    }
    return { values, unrecognized, rest };
  }

  /** An exact name, else a unique prefix of a long name (argparse's abbreviations). */
  #resolve(name: string): Resolved<K> {
    const exact = this.#byName.get(name);
    if (exact !== undefined) return { spec: exact };
    if (!name.startsWith('--') || name.length < 3) return undefined;
    const matches = this.#longNames.filter((long) => long.startsWith(name));
    const specs = new Set(matches.map((long) => this.#byName.get(long) as OptionSpec<K>));
    if (specs.size > 1) return { ambiguous: matches };
    const spec = specs.values().next().value;
    return spec === undefined ? undefined : { spec };
  }

  #lookup(name: string): OptionSpec<K> | undefined {
    const resolved = this.#resolve(name);
    if (resolved !== undefined && 'ambiguous' in resolved) {
      throw new UsageError(`ambiguous option: ${name} could match ${resolved.ambiguous.join(', ')}`);
    }
    return resolved?.spec;
  }

  /** Whether `token` ends the values of the option before it (see {@link ValueStop}). */
  #endsValues(token: string): boolean {
    if (this.#valueStop === 'dash') return token.length > 1 && token.startsWith('-');
    if (this.#valueStop === 'option-like') {
      return token.length > 1 && token.startsWith('-') && !ARGPARSE_NEGATIVE_NUMBER.test(token) && !token.includes(' ');
    }
    if (token === '--') return true;
    if (!token.startsWith('-') || token.length < 2) return false;
    if (NEGATIVE_NUMBER.test(token) && !this.#byName.has(token)) return false;
    return this.#resolve(token.startsWith('--') ? (token.split('=', 1)[0] as string) : token.slice(0, 2)) !== undefined;
  }

  /**
   * Stores the value(s) of `spec` starting at `argv[index]`; returns how many tokens it used.
   * `attached` is a value given in the same token (`--only=1`, `-o1`).
   */
  #take(spec: OptionSpec<K>, argv: readonly string[], index: number, attached: string | undefined, values: Map<K, RawValue>): number {
    const following = (max: number): string[] => {
      const taken: string[] = [];
      for (let i = index; i < argv.length && taken.length < max; i += 1) {
        const token = argv[i] as string;
        if (this.#endsValues(token)) break;
        taken.push(token);
      }
      return taken;
    };
    const label = spec.names.join('/');
    switch (spec.arity) {
      case 'flag':
        if (attached !== undefined) throw new UsageError(`argument ${label}: ignored explicit argument '${attached}'`);
        values.set(spec.key, true);
        return 0;
      case 'optional': {
        if (attached !== undefined) {
          values.set(spec.key, [attached]);
          return 0;
        }
        const taken = following(1);
        values.set(spec.key, taken.length > 0 ? taken : null);
        return taken.length;
      }
      case 'one':
      case 'two': {
        const count = spec.arity === 'one' ? 1 : 2;
        const taken = attached !== undefined ? [attached, ...following(count - 1)] : following(count);
        if (taken.length < count) throw new UsageError(`argument ${label}: expected ${count === 1 ? 'one argument' : `${count} arguments`}`);
        values.set(spec.key, taken);
        return taken.length - (attached !== undefined ? 1 : 0);
      }
      case 'some':
      case 'any': {
        if (attached !== undefined) {
          values.set(spec.key, [attached]);
          return 0;
        }
        const taken = following(Number.POSITIVE_INFINITY);
        if (taken.length === 0 && spec.arity === 'some') throw new UsageError(`argument ${label}: expected at least one argument`);
        values.set(spec.key, taken);
        return taken.length;
      }
    }
  }
}

/**
 * Throws argparse's `unrecognized arguments: …` error when `tokens` is not empty.
 *
 * @throws {@link UsageError}
 *
 * @example
 * ```ts
 * rejectUnrecognized(['x', '--bogus']); // throws: unrecognized arguments: x --bogus
 * ```
 */
export function rejectUnrecognized(tokens: readonly string[]): void {
  if (tokens.length > 0) throw new UsageError(`unrecognized arguments: ${tokens.join(' ')}`);
}
