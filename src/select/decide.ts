/**
 * The pure decision of {@link selectDevices}: which candidates fit, in which order, under which
 * output format. No NVML, no I/O: unit-testable with plain records.
 *
 * Rules (nvitop's `select_devices`, plus: a lost GPU is rejected unless `includeLost`):
 * 1. With `freeAccounts`, the accounted users' GPU memory moves from used to free. Arithmetic
 *    with NA gives NaN, as `NA + 0` does in Python, so an unknown free memory fails the memory
 *    constraints once accounts are given.
 * 2. Each constraint has a strict bound and a loose one (memory minimums × (1 − tol), utilization
 *    maximums + 100·tol). The loose bound decides; each strict failure counts as one "loosened"
 *    constraint. NA passes the memory minimums (NA compares above every number) and fails the
 *    utilization maximums; NaN fails both.
 * 3. Ranking key: loosened count, then free memory (descending), used memory (descending), GPU
 *    utilization, memory utilization (ascending), physical index (descending: GPU 0 stays free
 *    for desktop use). A NaN/NA value ranks before numbers at its level; two NaN/NA values at
 *    the same level tie there and keep their input order (Python compares `nan < nan` as false).
 * 4. MIG: when MIG devices fit, either the non-MIG devices are kept (enough of them for a positive
 *    `minCount`, or the best-ranked device is not MIG), or only the best MIG device (a CUDA
 *    process sees at most one), and the `'index'` format becomes `'uuid'` unless `forceIndex`.
 * 5. At most `maxCount` devices.
 *
 * @module
 */
import { isNA, type Maybe } from '../core/index.js';
import type { CandidateProcess, SelectionCandidate } from './candidate.js';
import type { SelectFormat, SelectionCriteria } from './options.js';

/**
 * A reason a candidate did not fit. `lost`: the GPU is lost and `includeLost` was not given;
 * `locked`: another process holds it; `uuid`: the `'uuid'` format was asked for and the device
 * has no UUID (`N/A` in `CUDA_VISIBLE_DEVICES` would hide every device after it, so it is left
 * out).
 */
export type ConstraintName = 'lost' | 'locked' | 'uuid' | 'minFreeMemory' | 'minTotalMemory' | 'maxGpuUtilization' | 'maxMemoryUtilization';

/** A candidate that fits, with the values it was judged on. */
export interface RankedCandidate<C extends SelectionCandidate = SelectionCandidate> {
  /** The candidate. */
  readonly candidate: C;
  /** How many constraints only the tolerance let it pass. */
  readonly loosened: number;
  /** Free memory after `freeAccounts` (NaN when not computable). */
  readonly memoryFree: Maybe<number>;
  /** Used memory after `freeAccounts`. */
  readonly memoryUsed: Maybe<number>;
}

/** A candidate that did not fit, and every constraint it failed (with the tolerance applied). */
export interface Rejection<C extends SelectionCandidate = SelectionCandidate> {
  /** The candidate. */
  readonly candidate: C;
  /** The constraints it failed. */
  readonly failed: readonly ConstraintName[];
}

/** The outcome of {@link decideDevices}. */
export interface SelectionDecision<C extends SelectionCandidate = SelectionCandidate> {
  /** The devices chosen, best first (at most `maxCount`). */
  readonly selected: readonly C[];
  /** Every fitting device after the MIG rule, best first (`selected` is its head). */
  readonly eligible: readonly RankedCandidate<C>[];
  /** The candidates that failed a constraint. */
  readonly rejected: readonly Rejection<C>[];
  /** Fitting devices set aside by the MIG rule. */
  readonly migDropped: readonly C[];
  /** The output format to use (`'uuid'` when the MIG rule overrode `'index'`). */
  readonly format: SelectFormat;
  /** How many candidates were considered. */
  readonly considered: number;
}

type Value = Maybe<number>;

const nanLike = (value: Value): boolean => isNA(value) || Number.isNaN(value);
/** `value >= bound` with NA above every number (Python's `NaType.__ge__`); NaN fails. */
const atLeast = (value: Value, bound: number): boolean => isNA(value) || value >= bound;
/** `value <= bound` with NA above every number (Python's `NaType.__le__`); NaN fails. */
const atMost = (value: Value, bound: number): boolean => !isNA(value) && value <= bound;
/** Python's `NA + x` / `x + NA`: NaN when either side is NA. */
const plus = (a: Value, b: number): number => (isNA(a) ? Number.NaN : a + b);

function accountedMemory(processes: readonly CandidateProcess[] | undefined, accounts: ReadonlySet<string>): number {
  let total = 0;
  for (const process of processes ?? []) {
    if (!isNA(process.username) && accounts.has(process.username)) {
      total = isNA(process.gpuMemory) ? Number.NaN : total + process.gpuMemory;
    }
  }
  return total;
}

interface Judged<C extends SelectionCandidate> extends RankedCandidate<C> {
  readonly failed: ConstraintName[];
}

function judge<C extends SelectionCandidate>(candidate: C, criteria: SelectionCriteria): Judged<C> {
  let memoryFree: Value = candidate.memoryFree;
  let memoryUsed: Value = candidate.memoryUsed;
  if (criteria.freeAccounts.size > 0) {
    const asFree = accountedMemory(candidate.processes, criteria.freeAccounts);
    memoryFree = plus(memoryFree, asFree);
    memoryUsed = plus(memoryUsed, -asFree);
  }
  const tol = criteria.tolerance / 100;
  const failed: ConstraintName[] = [];
  let loosened = 0;
  const check = (name: ConstraintName, strict: boolean, loose: boolean): void => {
    if (!strict) loosened += 1;
    if (!loose) failed.push(name);
  };
  if (candidate.lost === true && !criteria.includeLost) failed.push('lost');
  if (candidate.locked === true) failed.push('locked');
  if (criteria.format === 'uuid' && isNA(candidate.uuid)) failed.push('uuid');
  const { minFreeMemory, minTotalMemory, maxGpuUtilization, maxMemoryUtilization } = criteria;
  if (minFreeMemory !== null) {
    check('minFreeMemory', atLeast(memoryFree, minFreeMemory), atLeast(memoryFree, minFreeMemory * (1 - tol)));
  }
  if (minTotalMemory !== null) {
    const total = candidate.memoryTotal;
    check('minTotalMemory', atLeast(total, minTotalMemory), atLeast(total, minTotalMemory * (1 - tol)));
  }
  if (maxGpuUtilization !== null) {
    const util = candidate.gpuUtilization;
    check('maxGpuUtilization', atMost(util, maxGpuUtilization), atMost(util, maxGpuUtilization + 100 * tol));
  }
  if (maxMemoryUtilization !== null) {
    const util = candidate.memoryUtilization;
    check('maxMemoryUtilization', atMost(util, maxMemoryUtilization), atMost(util, maxMemoryUtilization + 100 * tol));
  }
  return { candidate, loosened, memoryFree, memoryUsed, failed };
}

/**
 * Orders two fitting candidates by nvitop's ranking key (see the module notes). Negative when
 * `a` ranks first.
 *
 * @example
 * ```ts
 * ranked.sort(compareRanked); // best first
 * ```
 */
export function compareRanked(a: RankedCandidate, b: RankedCandidate): number {
  if (a.loosened !== b.loosened) return a.loosened - b.loosened;
  const levels: Array<[Value, Value, 1 | -1]> = [
    [a.memoryFree, b.memoryFree, -1],
    [a.memoryUsed, b.memoryUsed, -1],
    [a.candidate.gpuUtilization, b.candidate.gpuUtilization, 1],
    [a.candidate.memoryUtilization, b.candidate.memoryUtilization, 1],
  ];
  for (const [x, y, direction] of levels) {
    const xNaN = nanLike(x);
    const yNaN = nanLike(y);
    if (xNaN && yNaN) return 0; // Python: (False, nan) < (False, nan) is False both ways: a tie.
    if (xNaN !== yNaN) return xNaN ? -1 : 1;
    const diff = (x as number) - (y as number);
    if (diff !== 0) return direction * diff;
  }
  return b.candidate.physicalIndex - a.candidate.physicalIndex;
}

/**
 * Decides which candidates to select (nvitop's `select_devices` without the NVML part).
 * `minCount` only matters to the MIG rule here; callers compare `selected.length` with it.
 *
 * @example
 * ```ts
 * const criteria = normalizeSelectOptions({ minFreeMemory: '8GiB', maxCount: 2 });
 * const decision = decideDevices(Device.all().map((d) => d.asSnapshot()), criteria);
 * decision.selected.map((s) => s.index); // e.g. [3, 6]
 * ```
 */
export function decideDevices<C extends SelectionCandidate>(candidates: readonly C[], criteria: SelectionCriteria): SelectionDecision<C> {
  const empty = { eligible: [], rejected: [], migDropped: [], selected: [], format: criteria.format, considered: candidates.length };
  if (criteria.maxCount === 0) return empty;
  const fitting: Judged<C>[] = [];
  const rejected: Rejection<C>[] = [];
  for (const candidate of candidates) {
    const judged = judge(candidate, criteria);
    if (judged.failed.length === 0) fitting.push(judged);
    else rejected.push({ candidate, failed: judged.failed });
  }
  if (criteria.sort) fitting.sort(compareRanked);
  let eligible: RankedCandidate<C>[] = fitting.map(({ candidate, loosened, memoryFree, memoryUsed }) => ({ candidate, loosened, memoryFree, memoryUsed }));
  let format = criteria.format;
  let migDropped: C[] = [];
  const first = eligible[0];
  if (first !== undefined && eligible.some((ranked) => ranked.candidate.isMigDevice)) {
    const nonMig = eligible.filter((ranked) => !ranked.candidate.isMigDevice);
    const mig = eligible.filter((ranked) => ranked.candidate.isMigDevice);
    if ((criteria.minCount > 0 && nonMig.length >= criteria.minCount) || !first.candidate.isMigDevice) {
      eligible = nonMig;
      migDropped = mig.map((ranked) => ranked.candidate);
    } else {
      eligible = mig.slice(0, 1);
      migDropped = [...nonMig, ...mig.slice(1)].map((ranked) => ranked.candidate);
      if (format === 'index' && !criteria.forceIndex) format = 'uuid';
    }
  }
  const selected = eligible.slice(0, criteria.maxCount ?? undefined).map((ranked) => ranked.candidate);
  return { selected, eligible, rejected, migDropped, format, considered: candidates.length };
}
