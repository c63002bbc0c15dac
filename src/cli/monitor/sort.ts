/**
 * The process panel's sort orders (nvitop's `ProcessPanel.ORDERS`): each order has a column, a
 * default direction, the key letter of its `o` binding, and its neighbours for `,` / `.`.
 * Gone processes (`No Such Process`) always sort last; NA values sort after numbers.
 *
 * @module
 */
import { isNA, type GpuProcessSnapshot, type Maybe } from '../../core/index.js';
import { commandState } from '../render/process-panel.js';

/**
 * The names of the orders, in the `,` / `.` cycle.
 *
 * @example
 * ```ts
 * ORDER_NAMES[0]; // 'natural'
 * ```
 */
export const ORDER_NAMES = [
  'natural',
  'pid',
  'username',
  'gpu_memory',
  'sm_utilization',
  'gpu_memory_utilization',
  'cpu_percent',
  'memory_percent',
  'time',
] as const;

/** One of {@link ORDER_NAMES}. */
export type OrderName = (typeof ORDER_NAMES)[number];

/** What an order is. */
export interface Order {
  /** The header text marked with ▲/▼ (`natural` marks `GPU`). */
  readonly column: string;
  /** Default direction: false = ascending. */
  readonly descending: boolean;
  /** The letter after `o` that selects it (uppercase: reversed). */
  readonly key: string;
  /** Sort key parts after "gone last". */
  readonly parts: readonly ((p: GpuProcessSnapshot) => Maybe<number> | Maybe<string> | readonly number[])[];
}

const deviceTuple = (p: GpuProcessSnapshot): readonly number[] => p.deviceIndex.split(':').map(Number);
const username = (p: GpuProcessSnapshot): Maybe<string> => p.username;
const pid = (p: GpuProcessSnapshot): number => p.pid;

/**
 * The orders, by name.
 *
 * @example
 * ```ts
 * ORDERS.gpu_memory.descending; // true
 * ```
 */
export const ORDERS: Readonly<Record<OrderName, Order>> = {
  natural: { column: 'GPU', descending: false, key: 'n', parts: [deviceTuple, username, pid] },
  pid: { column: 'PID', descending: false, key: 'p', parts: [pid, deviceTuple] },
  username: { column: 'USER', descending: false, key: 'u', parts: [username, pid, deviceTuple] },
  gpu_memory: {
    column: 'GPU-MEM', descending: true, key: 'g',
    parts: [(p) => p.gpuMemory, (p) => p.gpuSmUtilization, (p) => p.cpuPercent, pid, deviceTuple],
  },
  sm_utilization: {
    column: '%SM', descending: true, key: 's',
    parts: [(p) => p.gpuSmUtilization, (p) => p.gpuMemory, (p) => p.cpuPercent, pid, deviceTuple],
  },
  gpu_memory_utilization: {
    column: '%GMBW', descending: true, key: 'b',
    parts: [(p) => p.gpuMemoryUtilization, (p) => p.gpuMemory, (p) => p.cpuPercent, pid, deviceTuple],
  },
  cpu_percent: {
    column: '%CPU', descending: true, key: 'c',
    parts: [(p) => p.cpuPercent, (p) => p.memoryPercent, pid, deviceTuple],
  },
  memory_percent: {
    column: '%MEM', descending: true, key: 'm',
    parts: [(p) => p.memoryPercent, (p) => p.cpuPercent, pid, deviceTuple],
  },
  time: { column: 'TIME', descending: true, key: 't', parts: [(p) => p.runningTime, pid, deviceTuple] },
};

/**
 * The order whose `o` key is `letter` (case-insensitive), and whether the letter asks for the
 * reversed direction (uppercase).
 *
 * @example
 * ```ts
 * orderForKey('g'); // { order: 'gpu_memory', reverse: false }
 * orderForKey('P'); // { order: 'pid', reverse: true }
 * orderForKey('x'); // undefined
 * ```
 */
export function orderForKey(letter: string): { order: OrderName; reverse: boolean } | undefined {
  const lower = letter.toLowerCase();
  const name = ORDER_NAMES.find((n) => ORDERS[n].key === lower);
  if (name === undefined || letter.length !== 1) return undefined;
  return { order: name, reverse: letter !== lower };
}

/**
 * The next (`+1`) or previous (`-1`) order in the `,` / `.` cycle.
 *
 * @example
 * ```ts
 * cycleOrder('natural', -1); // 'time'
 * cycleOrder('time', +1);    // 'natural'
 * ```
 */
export function cycleOrder(order: OrderName, direction: 1 | -1): OrderName {
  const i = ORDER_NAMES.indexOf(order);
  const n = ORDER_NAMES.length;
  return ORDER_NAMES[(i + direction + n) % n] as OrderName;
}

type KeyValue = Maybe<number> | Maybe<string> | readonly number[];

// Compare two key values; NA always last (independent of direction: returns [cmp, naOrder]).
function compareValues(a: KeyValue, b: KeyValue): { cmp: number; na: number } {
  const aNA = isNA(a) || (typeof a === 'number' && Number.isNaN(a));
  const bNA = isNA(b) || (typeof b === 'number' && Number.isNaN(b));
  if (aNA || bNA) return { cmp: 0, na: aNA === bNA ? 0 : aNA ? 1 : -1 };
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      const x = (a[i] as number | undefined) ?? -1;
      const y = (b[i] as number | undefined) ?? -1;
      if (x !== y) return { cmp: x < y ? -1 : 1, na: 0 };
    }
    return { cmp: 0, na: 0 };
  }
  if (typeof a === 'string' && typeof b === 'string') return { cmp: a < b ? -1 : a > b ? 1 : 0, na: 0 };
  const x = a as number;
  const y = b as number;
  return { cmp: x < y ? -1 : x > y ? 1 : 0, na: 0 };
}

/**
 * Sort process snapshots by an order (a new array). `reverse` flips the order's default
 * direction; gone processes stay last and NA values stay after known ones either way.
 *
 * @example
 * ```ts
 * sortProcesses(snapshots, 'gpu_memory', false); // biggest GPU memory first
 * sortProcesses(snapshots, 'pid', true);         // highest PID first
 * ```
 */
export function sortProcesses(
  processes: readonly GpuProcessSnapshot[],
  order: OrderName,
  reverse: boolean,
): GpuProcessSnapshot[] {
  const { parts, descending } = ORDERS[order];
  const sign = descending !== reverse ? -1 : 1;
  const natural = order === 'natural';
  return [...processes].sort((a, b) => {
    if (natural) {
      // natural: device first, then gone, then the rest (nvitop's key order).
      const device = compareValues(deviceTuple(a), deviceTuple(b)).cmp;
      if (device !== 0) return sign * device;
    }
    const aGone = commandState(a) === 'gone';
    const bGone = commandState(b) === 'gone';
    if (aGone !== bGone) return aGone ? 1 : -1;
    for (const part of parts) {
      const { cmp, na } = compareValues(part(a), part(b));
      if (na !== 0) return na;
      if (cmp !== 0) return sign * cmp;
    }
    return 0;
  });
}
