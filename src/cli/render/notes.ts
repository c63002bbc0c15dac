/**
 * The lines nvitop-node adds beyond nvitop: unaccounted GPU memory under a device, the hint
 * for hidden host facts (a container without `--pid=host`), and the note naming NVML functions
 * the driver lacks.
 *
 * @module
 */
import { NA, bytes2human, isNA, type GpuProcessSnapshot, type Maybe } from '../../core/index.js';
import type { StatusDevice } from './types.js';

/**
 * Share of the total memory (percent) by which used memory may exceed the processes' sum.
 *
 * @example
 * ```ts
 * unaccountedMemory(entry); // NA unless used − held > UNACCOUNTED_MEMORY_PERCENT % of the total
 * ```
 */
export const UNACCOUNTED_MEMORY_PERCENT = 5;

/**
 * Used GPU memory in bytes that no listed process holds, when it is more than
 * {@link UNACCOUNTED_MEMORY_PERCENT} % of the GPU's total memory (orphaned contexts, processes
 * of another PID namespace NVML does not report); NA when smaller or unknown.
 *
 * The threshold is a share of the total, not of the processes' sum: an idle GPU with a few MiB
 * of driver allocations is not flagged, a GPU with gigabytes nobody holds is.
 *
 * @example
 * ```ts
 * // 80 GiB GPU, 30 GiB used, processes hold 20 GiB: 10 GiB (12.5 % of the total) unaccounted.
 * unaccountedMemory(entry); // 10737418240
 * ```
 */
export function unaccountedMemory(entry: StatusDevice): Maybe<number> {
  const used = entry.device.memoryUsed;
  const total = entry.device.memoryTotal;
  const held = entry.processGpuMemory;
  if (held === undefined || isNA(held) || isNA(used) || isNA(total) || total <= 0) return NA;
  const gap = used - held;
  return gap > (UNACCOUNTED_MEMORY_PERCENT / 100) * total ? gap : NA;
}

/**
 * The note shown under a device with unaccounted memory, or null.
 *
 * @example
 * ```ts
 * unaccountedMemoryNote(entry); // 'NOTE: 10.00GiB used by no listed process (orphaned contexts?)'
 * ```
 */
export function unaccountedMemoryNote(entry: StatusDevice): string | null {
  const gap = unaccountedMemory(entry);
  if (isNA(gap)) return null;
  return `NOTE: ${String(bytes2human(gap))} used by no listed process (orphaned contexts?)`;
}

/**
 * The hint shown under the process table when some processes' host facts are hidden (NVML
 * reports host PIDs that this PID namespace cannot see), or null.
 *
 * @example
 * ```ts
 * hiddenHostInfoHint(processes);
 * // 'HINT: 2 GPU processes are not visible in this PID namespace (a container without --pid=host?): their user, CPU, memory and command show N/A.'
 * ```
 */
export function hiddenHostInfoHint(processes: readonly GpuProcessSnapshot[]): string | null {
  const hidden = processes.filter((process) => process.hostInfoHidden).length;
  if (hidden === 0) return null;
  const subject = hidden === 1 ? '1 GPU process is' : `${hidden} GPU processes are`;
  return `HINT: ${subject} not visible in this PID namespace (a container without --pid=host?): user, CPU, memory and command show N/A.`;
}

/**
 * The note naming NVML functions the installed driver lacks (their values show N/A), or null.
 *
 * @example
 * ```ts
 * missingFunctionsNote(['nvmlDeviceGetMemoryInfo_v2']);
 * // 'NOTE: The NVIDIA driver lacks an NVML function, shown as N/A: nvmlDeviceGetMemoryInfo_v2.'
 * ```
 */
export function missingFunctionsNote(functions: readonly string[]): string | null {
  if (functions.length === 0) return null;
  const what = functions.length === 1 ? 'an NVML function' : `${functions.length} NVML functions`;
  return `NOTE: The NVIDIA driver lacks ${what}, shown as N/A: ${functions.join(', ')}.`;
}
