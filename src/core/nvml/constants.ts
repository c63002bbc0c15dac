/**
 * NVML enum values and buffer sizes (from NVIDIA's `nvml.h`).
 *
 * @module
 */

/** `nvmlClockType_t`. */
export const NVML_CLOCK_GRAPHICS = 0;
/** `nvmlClockType_t`. */
export const NVML_CLOCK_SM = 1;
/** `nvmlClockType_t`. */
export const NVML_CLOCK_MEM = 2;
/** `nvmlClockType_t`. */
export const NVML_CLOCK_VIDEO = 3;
/** `nvmlTemperatureSensors_t`: the GPU die. */
export const NVML_TEMPERATURE_GPU = 0;
/** `nvmlPcieUtilCounter_t`. */
export const NVML_PCIE_UTIL_TX_BYTES = 0;
/** `nvmlPcieUtilCounter_t`. */
export const NVML_PCIE_UTIL_RX_BYTES = 1;
/** `nvmlMemoryErrorType_t`. */
export const NVML_MEMORY_ERROR_TYPE_CORRECTED = 0;
/** `nvmlMemoryErrorType_t`. */
export const NVML_MEMORY_ERROR_TYPE_UNCORRECTED = 1;
/** `nvmlEccCounterType_t`: reset at driver load. */
export const NVML_VOLATILE_ECC = 0;
/** `nvmlEccCounterType_t`: lifetime. */
export const NVML_AGGREGATE_ECC = 1;
/** `nvmlPstates_t`: unknown. */
export const NVML_PSTATE_UNKNOWN = 32;
/** MIG mode disabled. */
export const NVML_DEVICE_MIG_DISABLE = 0;
/** MIG mode enabled. */
export const NVML_DEVICE_MIG_ENABLE = 1;
/** `nvmlValueType_t` values. */
export const NVML_VALUE_TYPE = Object.freeze({
  DOUBLE: 0,
  UNSIGNED_INT: 1,
  UNSIGNED_LONG: 2,
  UNSIGNED_LONG_LONG: 3,
  SIGNED_LONG_LONG: 4,
  SIGNED_INT: 5,
  UNSIGNED_SHORT: 6,
});
/** `NVML_FI_DEV_ECC_SBE_VOL_TOTAL`: single-bit (corrected) ECC errors since the driver loaded. */
export const NVML_FI_DEV_ECC_SBE_VOL_TOTAL = 3;
/** `NVML_FI_DEV_ECC_DBE_VOL_TOTAL`: double-bit (uncorrected) ECC errors since the driver loaded. */
export const NVML_FI_DEV_ECC_DBE_VOL_TOTAL = 4;
/** `NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION`: mJ since the driver loaded (Volta and later). */
export const NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION = 83;
/** `NVML_FI_DEV_PCIE_COUNT_TX_BYTES`: bytes sent over PCIe (driver R555 and later). */
export const NVML_FI_DEV_PCIE_COUNT_TX_BYTES = 197;
/** `NVML_FI_DEV_PCIE_COUNT_RX_BYTES`: bytes received over PCIe (driver R555 and later). */
export const NVML_FI_DEV_PCIE_COUNT_RX_BYTES = 198;
/** `NVML_FI_DEV_NVLINK_LINK_COUNT`. */
export const NVML_FI_DEV_NVLINK_LINK_COUNT = 91;
/** `NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX` (KiB counter, scopeId = link). */
export const NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX = 138;
/** `NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX` (KiB counter, scopeId = link). */
export const NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX = 139;
/** `nvmlComputeMode_t` names as nvitop prints them, by value. */
export const COMPUTE_MODE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: 'Default',
  1: 'Exclusive Thread',
  2: 'Prohibited',
  3: 'Exclusive Process',
});
/** `nvmlDriverModel_t` names by value. */
export const DRIVER_MODEL_NAMES: Readonly<Record<number, string>> = Object.freeze({ 0: 'WDDM', 1: 'WDM', 2: 'MCDM' });
/** `NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE`. */
export const NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;
/** `NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE`. */
export const NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE = 80;
/** `NVML_DEVICE_NAME_V2_BUFFER_SIZE`. */
export const NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96;
/** `NVML_DEVICE_UUID_V2_BUFFER_SIZE`. */
export const NVML_DEVICE_UUID_V2_BUFFER_SIZE = 96;
/** `NVML_DEVICE_SERIAL_BUFFER_SIZE`. */
export const NVML_DEVICE_SERIAL_BUFFER_SIZE = 30;
/** `NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE`. */
export const NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE = 32;
/** `NVML_VALUE_NOT_AVAILABLE` in a 32-bit field. */
export const NVML_VALUE_NOT_AVAILABLE_UINT = 0xffffffff;
