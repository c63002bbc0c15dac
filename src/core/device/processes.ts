/**
 * A device's process map, built from NVML's compute and graphics lists and its per-process
 * utilization samples.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { NA, isNA } from '../na.js';
import { GpuProcess } from '../process/gpu-process.js';
import type { Device } from './device.js';
import { nvmlQuery } from './nvml-query.js';

/** Per-process utilization is asked for the samples of the last second (µs). */
const SAMPLE_WINDOW_US = 1_000_000;

/** Processes of a device, keyed by PID. */
export type GpuProcessMap = Map<number, GpuProcess>;

/** Whether the last process-list query of a device got an answer (see `processListsAvailable`). */
const processListsAnswered = new WeakMap<Device, boolean>();

/** Whether the last {@link collectProcesses} call for `device` got an answer to a process list. */
export function processListsAnsweredFor(device: Device): boolean {
  return processListsAnswered.get(device) === true;
}

/** Merges NVML's compute and graphics lists and per-process utilization. */
export function collectProcesses(device: Device): GpuProcessMap {
  const processes: GpuProcessMap = new Map();
  const handle = device.handle;
  processListsAnswered.set(device, false);
  if (handle === null) return processes;
  let foundNa = false;
  const lists: Array<['C' | 'G', (h: N.NvmlDeviceHandle) => N.NvmlProcessInfo[]]> = [
    ['C', N.deviceGetComputeRunningProcesses],
    ['G', N.deviceGetGraphicsRunningProcesses],
  ];
  const seenTypes = new Map<number, Set<'C' | 'G'>>();
  for (const [type, fn] of lists) {
    const entries = nvmlQuery(() => fn(handle));
    if (isNA(entries)) continue;
    processListsAnswered.set(device, true);
    for (const entry of entries) {
      if (isNA(entry.usedGpuMemory)) foundNa = true;
      const process = GpuProcess.get(entry.pid, device);
      process.setGpuMemory(entry.usedGpuMemory);
      process.setInstanceIds(entry.gpuInstanceId, entry.computeInstanceId);
      const types = seenTypes.get(entry.pid) ?? new Set<'C' | 'G'>();
      types.add(type);
      seenTypes.set(entry.pid, types);
      processes.set(entry.pid, process);
    }
  }
  for (const [pid, types] of seenTypes) {
    (processes.get(pid) as GpuProcess).setType(types.has('C') && types.has('G') ? 'C+G' : types.has('C') ? 'C' : 'G');
  }
  if (processes.size > 0) {
    const samples = nvmlQuery(() => N.deviceGetProcessUtilization(handle, Date.now() * 1000 - SAMPLE_WINDOW_US));
    const sampled = new Set<number>();
    if (!isNA(samples)) {
      for (const sample of [...samples].sort((a, b) => a.timeStamp - b.timeStamp)) {
        const process = processes.get(sample.pid);
        if (process === undefined) continue;
        process.setGpuUtilization(sample.smUtil, sample.memUtil, sample.encUtil, sample.decUtil);
        sampled.add(sample.pid);
      }
    }
    for (const [pid, process] of processes) {
      if (sampled.has(pid)) continue;
      if (!foundNa && !isNA(samples)) process.setGpuUtilization(0, 0, 0, 0);
      else process.setGpuUtilization(NA, NA, NA, NA);
    }
  }
  return processes;
}
