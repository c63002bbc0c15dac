/**
 * A device's cumulative counters (energy, ECC errors, PCIe and NVLink bytes), read in one
 * `nvmlDeviceGetFieldValues` call: what monitoring systems turn into rates themselves, without
 * the ~20 ms per direction that `nvmlDeviceGetPcieThroughput` blocks for.
 *
 * @module
 */
import * as N from '../nvml/index.js';
import { NA, isNA, type Maybe } from '../na.js';
import type { DeviceCounters } from '../snapshot-types.js';

/** Counters that are all NA (a MIG device, a GPU without a handle, a failed call). */
export function naCounters(gpuLost: boolean): DeviceCounters {
  return { energyConsumption: NA, eccErrors: { corrected: NA, uncorrected: NA }, pcieBytes: { tx: NA, rx: NA }, nvlinkBytes: { tx: NA, rx: NA }, gpuLost };
}

/** Sum of the links' KiB counters in bytes; NA when no link answered. */
function linkBytes(values: readonly N.FieldValue[]): Maybe<number> {
  let sum: number | null = null;
  for (const { value } of values) if (!isNA(value)) sum = (sum ?? 0) + value;
  return sum === null ? NA : sum * 1024;
}

/**
 * Reads every counter of a physical GPU with `links` NVLink links in one NVML call. Fields the
 * GPU or driver lacks are NA; a GPU the driver reports lost has `gpuLost` set.
 */
export function readDeviceCounters(handle: N.NvmlDeviceHandle, links: number): DeviceCounters {
  const requests: N.FieldRequest[] = [
    { fieldId: N.NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION },
    { fieldId: N.NVML_FI_DEV_ECC_SBE_VOL_TOTAL },
    { fieldId: N.NVML_FI_DEV_ECC_DBE_VOL_TOTAL },
    { fieldId: N.NVML_FI_DEV_PCIE_COUNT_TX_BYTES },
    { fieldId: N.NVML_FI_DEV_PCIE_COUNT_RX_BYTES },
  ];
  for (let link = 0; link < links; link += 1) requests.push({ fieldId: N.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, scopeId: link });
  for (let link = 0; link < links; link += 1) requests.push({ fieldId: N.NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, scopeId: link });
  let values: N.FieldValue[];
  try {
    values = N.withQuietErrors(() => N.deviceGetFieldValues(handle, requests));
  } catch (error) {
    if (error instanceof N.NvmlGpuIsLostError) return naCounters(true);
    if (error instanceof N.NvmlError) return naCounters(false);
    throw error;
  }
  const value = (i: number): Maybe<number> => values[i]?.value ?? NA;
  return {
    energyConsumption: value(0),
    eccErrors: { corrected: value(1), uncorrected: value(2) },
    pcieBytes: { tx: value(3), rx: value(4) },
    nvlinkBytes: links === 0 ? { tx: NA, rx: NA } : { tx: linkBytes(values.slice(5, 5 + links)), rx: linkBytes(values.slice(5 + links)) },
    gpuLost: false,
  };
}
