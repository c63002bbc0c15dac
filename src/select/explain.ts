/**
 * Human explanations of a selection that came up short: which constraint rejected how many
 * devices.
 *
 * @module
 */
import { bytes2human } from '../core/index.js';
import type { SelectionCandidate } from './candidate.js';
import type { ConstraintName, SelectionDecision } from './decide.js';
import type { SelectionCriteria } from './options.js';

function displayIndex(index: SelectionCandidate['index']): string {
  return typeof index === 'number' ? String(index) : `${index[0]}:${index[1]}`;
}

/** How many devices one constraint rejected. */
export interface UnmetConstraint {
  /** The constraint. */
  readonly constraint: ConstraintName;
  /** How many candidates failed it (a candidate may fail several). */
  readonly rejected: number;
  /** What failing means, e.g. `'less than 8GiB free memory'`. */
  readonly description: string;
}

/** Names to print for constraints (defaults: the option names, e.g. `minFreeMemory`). */
export type ConstraintLabels = Partial<Record<ConstraintName | 'minCount', string>>;

const ORDER: readonly ConstraintName[] = ['lost', 'locked', 'uuid', 'minFreeMemory', 'minTotalMemory', 'maxGpuUtilization', 'maxMemoryUtilization'];

function describe(constraint: ConstraintName, criteria: SelectionCriteria): string {
  switch (constraint) {
    case 'lost':
      return 'lost (GPU_IS_LOST: it fell off the bus or cannot be reached)';
    case 'locked':
      return 'locked by another process';
    case 'uuid':
      return 'no UUID';
    case 'minFreeMemory':
      return `less than ${bytes2human(criteria.minFreeMemory ?? 0)} free memory`;
    case 'minTotalMemory':
      return `less than ${bytes2human(criteria.minTotalMemory ?? 0)} total memory`;
    case 'maxGpuUtilization':
      return `more than ${criteria.maxGpuUtilization ?? 0}% GPU utilization`;
    case 'maxMemoryUtilization':
      return `more than ${criteria.maxMemoryUtilization ?? 0}% memory bandwidth utilization`;
  }
}

/**
 * The constraints that rejected at least one device, most common first in a fixed order.
 *
 * @example
 * ```ts
 * unmetConstraints(decision, criteria); // [{ constraint: 'minFreeMemory', rejected: 6, description: 'less than 8GiB free memory' }]
 * ```
 */
export function unmetConstraints(decision: SelectionDecision, criteria: SelectionCriteria): UnmetConstraint[] {
  const counts = new Map<ConstraintName, number>();
  for (const rejection of decision.rejected) {
    for (const name of rejection.failed) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return ORDER.filter((name) => counts.has(name)).map((constraint) => ({
    constraint,
    rejected: counts.get(constraint) as number,
    description: describe(constraint, criteria),
  }));
}

const verb = (constraint: ConstraintName, n: number): string => (constraint === 'locked' || constraint === 'lost' ? (n === 1 ? 'is' : 'are') : n === 1 ? 'has' : 'have');

/**
 * One sentence saying why fewer than `required` devices were selected, e.g.
 * `'1 of at least 2 devices found (minCount). Of 8 devices, 6 have less than 8GiB free memory (minFreeMemory).'`
 *
 * @example
 * ```ts
 * explainShortfall(decision, criteria, 2, { minFreeMemory: '--min-free-memory' });
 * ```
 */
export function explainShortfall(decision: SelectionDecision, criteria: SelectionCriteria, required: number, labels: ConstraintLabels = {}): string {
  const label = (name: ConstraintName | 'minCount'): string => labels[name] ?? name;
  const found = decision.selected.length;
  const noun = (n: number): string => (n === 1 ? 'device' : 'devices');
  let message = `${found} of at least ${required} ${noun(required)} found (${label('minCount')}).`;
  if (decision.considered === 0) return `${message} There are no devices to select from.`;
  const unmet = unmetConstraints(decision, criteria);
  if (unmet.length > 0) {
    const parts = unmet.map((u) => `${u.rejected} ${verb(u.constraint, u.rejected)} ${u.description} (${label(u.constraint)})`);
    message += ` Of ${decision.considered} ${noun(decision.considered)}, ${parts.join(', ')}.`;
    if (criteria.tolerance > 0) message += ` The tolerance of ${criteria.tolerance}% is applied.`;
  }
  const lockedBy = decision.rejected.filter((r) => r.failed.includes('locked') && r.candidate.lockedBy !== undefined);
  for (const { candidate } of lockedBy.slice(0, 4)) {
    message += ` GPU ${displayIndex(candidate.index)} is ${candidate.lockedBy as string}.`;
  }
  if (lockedBy.length > 4) message += ` (${lockedBy.length - 4} more locked.)`;
  const migDropped = decision.migDropped.length;
  if (migDropped > 0) {
    message += ` ${migDropped} fitting ${noun(migDropped)} set aside by the MIG rule (a CUDA process sees at most one MIG device, and MIG and non-MIG devices do not mix).`;
  }
  return message;
}
