/**
 * The NVML symbol table: one line per exported C function, with the prototype from NVIDIA's
 * `nvml.h`. Symbols are resolved lazily, on first call, by `library.ts`; which symbol of a
 * versioned family is used is decided by its record in `families.ts`.
 *
 * Types: `nvmlDevice_t` is the opaque handle, enums are `int`/`unsigned int`, struct pointers
 * name the koffi structs of `structs.ts` (callers pass Buffers of their size).
 *
 * @module
 */

/** C prototypes by symbol name. */
export const PROTOTYPES: Readonly<Record<string, string>> = Object.freeze({
  // Lifecycle
  nvmlInitWithFlags: 'int nvmlInitWithFlags(unsigned int flags)',
  nvmlInit_v2: 'int nvmlInit_v2(void)',
  nvmlShutdown: 'int nvmlShutdown(void)',
  nvmlErrorString: 'const char *nvmlErrorString(int result)',
  // System
  nvmlSystemGetDriverVersion: 'int nvmlSystemGetDriverVersion(_Out_ char *version, unsigned int length)',
  nvmlSystemGetNVMLVersion: 'int nvmlSystemGetNVMLVersion(_Out_ char *version, unsigned int length)',
  nvmlSystemGetCudaDriverVersion: 'int nvmlSystemGetCudaDriverVersion(_Out_ int *cudaDriverVersion)',
  nvmlSystemGetCudaDriverVersion_v2: 'int nvmlSystemGetCudaDriverVersion_v2(_Out_ int *cudaDriverVersion)',
  // Enumeration
  nvmlDeviceGetCount_v2: 'int nvmlDeviceGetCount_v2(_Out_ unsigned int *deviceCount)',
  nvmlDeviceGetCount: 'int nvmlDeviceGetCount(_Out_ unsigned int *deviceCount)',
  nvmlDeviceGetHandleByIndex_v2: 'int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetHandleByIndex: 'int nvmlDeviceGetHandleByIndex(unsigned int index, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetHandleByUUID: 'int nvmlDeviceGetHandleByUUID(const char *uuid, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetHandleByPciBusId_v2: 'int nvmlDeviceGetHandleByPciBusId_v2(const char *pciBusId, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetHandleByPciBusId: 'int nvmlDeviceGetHandleByPciBusId(const char *pciBusId, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetIndex: 'int nvmlDeviceGetIndex(nvmlDevice_t device, _Out_ unsigned int *index)',
  // Identity and memory
  nvmlDeviceGetName: 'int nvmlDeviceGetName(nvmlDevice_t device, _Out_ char *name, unsigned int length)',
  nvmlDeviceGetUUID: 'int nvmlDeviceGetUUID(nvmlDevice_t device, _Out_ char *uuid, unsigned int length)',
  nvmlDeviceGetSerial: 'int nvmlDeviceGetSerial(nvmlDevice_t device, _Out_ char *serial, unsigned int length)',
  nvmlDeviceGetPciInfo_v3: 'int nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, _Out_ nvmlPciInfo_t *pci)',
  nvmlDeviceGetPciInfo_v2: 'int nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, _Out_ nvmlPciInfo_t *pci)',
  nvmlDeviceGetPciInfo: 'int nvmlDeviceGetPciInfo(nvmlDevice_t device, _Out_ nvmlPciInfo_t *pci)',
  nvmlDeviceGetMemoryInfo_v2: 'int nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, _Inout_ nvmlMemory_v2_t *memory)',
  nvmlDeviceGetMemoryInfo: 'int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, _Out_ nvmlMemory_t *memory)',
  nvmlDeviceGetBAR1MemoryInfo: 'int nvmlDeviceGetBAR1MemoryInfo(nvmlDevice_t device, _Out_ nvmlBAR1Memory_t *bar1Memory)',
  // Utilization, sensors, clocks, power, PCIe
  nvmlDeviceGetUtilizationRates: 'int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, _Out_ nvmlUtilization_t *utilization)',
  nvmlDeviceGetEncoderUtilization: 'int nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, _Out_ unsigned int *utilization, _Out_ unsigned int *samplingPeriodUs)',
  nvmlDeviceGetDecoderUtilization: 'int nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, _Out_ unsigned int *utilization, _Out_ unsigned int *samplingPeriodUs)',
  nvmlDeviceGetClockInfo: 'int nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, _Out_ unsigned int *clock)',
  nvmlDeviceGetMaxClockInfo: 'int nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, _Out_ unsigned int *clock)',
  nvmlDeviceGetFanSpeed: 'int nvmlDeviceGetFanSpeed(nvmlDevice_t device, _Out_ unsigned int *speed)',
  nvmlDeviceGetTemperatureV: 'int nvmlDeviceGetTemperatureV(nvmlDevice_t device, _Inout_ nvmlTemperature_v1_t *temperature)',
  nvmlDeviceGetTemperature: 'int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, _Out_ unsigned int *temp)',
  nvmlDeviceGetPowerUsage: 'int nvmlDeviceGetPowerUsage(nvmlDevice_t device, _Out_ unsigned int *power)',
  nvmlDeviceGetPowerManagementLimit: 'int nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, _Out_ unsigned int *limit)',
  nvmlDeviceGetPcieThroughput: 'int nvmlDeviceGetPcieThroughput(nvmlDevice_t device, int counter, _Out_ unsigned int *value)',
  // Modes and capabilities
  nvmlDeviceGetDisplayActive: 'int nvmlDeviceGetDisplayActive(nvmlDevice_t device, _Out_ int *isActive)',
  nvmlDeviceGetDisplayMode: 'int nvmlDeviceGetDisplayMode(nvmlDevice_t device, _Out_ int *display)',
  nvmlDeviceGetPersistenceMode: 'int nvmlDeviceGetPersistenceMode(nvmlDevice_t device, _Out_ int *mode)',
  nvmlDeviceGetPerformanceState: 'int nvmlDeviceGetPerformanceState(nvmlDevice_t device, _Out_ int *pState)',
  nvmlDeviceGetTotalEccErrors: 'int nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int errorType, int counterType, _Out_ unsigned long long *eccCounts)',
  nvmlDeviceGetComputeMode: 'int nvmlDeviceGetComputeMode(nvmlDevice_t device, _Out_ int *mode)',
  nvmlDeviceGetCudaComputeCapability: 'int nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, _Out_ int *major, _Out_ int *minor)',
  nvmlDeviceGetDriverModel_v2: 'int nvmlDeviceGetDriverModel_v2(nvmlDevice_t device, _Out_ int *current, _Out_ int *pending)',
  nvmlDeviceGetDriverModel: 'int nvmlDeviceGetDriverModel(nvmlDevice_t device, _Out_ int *current, _Out_ int *pending)',
  // MIG
  nvmlDeviceIsMigDeviceHandle: 'int nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, _Out_ unsigned int *isMigDevice)',
  nvmlDeviceGetMigMode: 'int nvmlDeviceGetMigMode(nvmlDevice_t device, _Out_ unsigned int *currentMode, _Out_ unsigned int *pendingMode)',
  nvmlDeviceGetMaxMigDeviceCount: 'int nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, _Out_ unsigned int *count)',
  nvmlDeviceGetMigDeviceHandleByIndex: 'int nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, _Out_ nvmlDevice_t *migDevice)',
  nvmlDeviceGetDeviceHandleFromMigDeviceHandle: 'int nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetGpuInstanceId: 'int nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, _Out_ unsigned int *id)',
  nvmlDeviceGetComputeInstanceId: 'int nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, _Out_ unsigned int *id)',
  // Processes (the entry layout of each symbol is in the family records of families.ts)
  nvmlDeviceGetComputeRunningProcesses_v3: 'int nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetComputeRunningProcesses_v2: 'int nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetComputeRunningProcesses: 'int nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetGraphicsRunningProcesses_v3: 'int nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetGraphicsRunningProcesses_v2: 'int nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetGraphicsRunningProcesses: 'int nvmlDeviceGetGraphicsRunningProcesses(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetProcessUtilization: 'int nvmlDeviceGetProcessUtilization(nvmlDevice_t device, void *utilization, _Inout_ unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp)',
  // Field values (NVLink)
  nvmlDeviceGetFieldValues: 'int nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, _Inout_ nvmlFieldValue_t *values)',
  // Probed only (their presence decides the process entry layout)
  nvmlDeviceGetConfComputeMemSizeInfo: 'int nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device, _Out_ nvmlConfComputeMemSizeInfo_t *memInfo)',
  nvmlDeviceGetRunningProcessDetailList: 'int nvmlDeviceGetRunningProcessDetailList(nvmlDevice_t device, void *plist)',
});
