/*
 * Fake libnvidia-ml.so.1 for nvitop-node's tests and benchmarks.
 *
 * Exports a subset of NVIDIA's NVML C API with the exact symbol names, C signatures, struct
 * layouts, enum values and return codes of nvml.h (see /work/shared/reference/nvml-abi.md), and
 * answers from a JSON scenario file (format: README.md next to this file).
 *
 * Plain C11 + POSIX. Built by build.mjs with -fvisibility=hidden: only functions marked EXPORT
 * are visible, so a linker version script can hide some of them to imitate older drivers.
 *
 * Every exported call takes one process-wide mutex (NVML is documented as thread-safe), counts
 * itself, and does no allocation and no system call other than clock_gettime, except the
 * throttled scenario mtime check (one stat() at most every 100 ms).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

#define EXPORT __attribute__((visibility("default")))

/* ============================================================================================
 * NVML types, constants and struct layouts (x86-64 LP64), as in nvml.h
 * ========================================================================================== */

typedef int nvmlReturn_t; /* a C enum: 4 bytes */

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_ALREADY_INITIALIZED = 5,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_INSUFFICIENT_POWER = 8,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_IRQ_ISSUE = 11,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_CORRUPTED_INFOROM = 14,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_RESET_REQUIRED = 16,
    NVML_ERROR_OPERATING_SYSTEM = 17,
    NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
    NVML_ERROR_IN_USE = 19,
    NVML_ERROR_MEMORY = 20,
    NVML_ERROR_NO_DATA = 21,
    NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22,
    NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
    NVML_ERROR_FREQ_NOT_SUPPORTED = 24,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_DEPRECATED = 26,
    NVML_ERROR_NOT_READY = 27,
    NVML_ERROR_GPU_NOT_FOUND = 28,
    NVML_ERROR_INVALID_STATE = 29,
    NVML_ERROR_RESET_TYPE_NOT_SUPPORTED = 30,
    NVML_ERROR_UNKNOWN = 999
};

/* Enums are 4-byte ints in the ABI; typedef'd as int so the prototypes read like nvml.h. */
typedef int nvmlEnableState_t;    /* NVML_FEATURE_DISABLED = 0, NVML_FEATURE_ENABLED = 1 */
typedef int nvmlClockType_t;      /* GRAPHICS 0, SM 1, MEM 2, VIDEO 3 */
typedef int nvmlTemperatureSensors_t; /* NVML_TEMPERATURE_GPU = 0 */
typedef int nvmlPcieUtilCounter_t;    /* TX_BYTES 0, RX_BYTES 1 */
typedef int nvmlPstates_t;            /* 0..15, UNKNOWN 32 */
typedef int nvmlMemoryErrorType_t;    /* CORRECTED 0, UNCORRECTED 1 */
typedef int nvmlEccCounterType_t;     /* VOLATILE 0, AGGREGATE 1 */
typedef int nvmlComputeMode_t;        /* DEFAULT 0, EXCLUSIVE_THREAD 1, PROHIBITED 2, EXCLUSIVE_PROCESS 3 */
typedef int nvmlDriverModel_t;        /* WDDM 0, WDM 1, MCDM 2 */
typedef int nvmlValueType_t;          /* DOUBLE 0 ... UNSIGNED_SHORT 6 */

#define NVML_CLOCK_COUNT 4
#define NVML_PCIE_UTIL_COUNT 2
#define NVML_VALUE_TYPE_UNSIGNED_INT 1
#define NVML_VALUE_TYPE_UNSIGNED_LONG_LONG 3
#define NVML_FI_DEV_ECC_SBE_VOL_TOTAL 3
#define NVML_FI_DEV_ECC_DBE_VOL_TOTAL 4
#define NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION 83
#define NVML_FI_DEV_NVLINK_LINK_COUNT 91
#define NVML_FI_DEV_PCIE_COUNT_TX_BYTES 197
#define NVML_FI_DEV_PCIE_COUNT_RX_BYTES 198
#define NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX 138
#define NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX 139
#define NVML_NVLINK_MAX_LINKS 36 /* NVML 13.3 header; 18 in 12.x, 12 in 11.x */
#define NVML_INIT_FLAG_NO_GPUS 1
#define NVML_DEVICE_MIG_DISABLE 0
#define NVML_DEVICE_MIG_ENABLE 1
#define NVML_INVALID_INSTANCE_ID 0xFFFFFFFFu
#define NVML_VALUE_NOT_AVAILABLE_ULL 0xFFFFFFFFFFFFFFFFull

#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80
#define NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE 80
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96
#define NVML_DEVICE_SERIAL_BUFFER_SIZE 30
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE 16

typedef struct nvmlDevice_st *nvmlDevice_t;

typedef struct nvmlPciInfo_st {
    char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];
} nvmlPciInfo_t;

typedef struct nvmlMemory_st {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used; /* v1: reserved + allocated */
} nvmlMemory_t;

typedef struct nvmlMemory_v2_st {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used; /* v2: allocated only (struct comments; see nvml-abi.md 4.1) */
} nvmlMemory_v2_t;

typedef struct nvmlBAR1Memory_st {
    unsigned long long bar1Total;
    unsigned long long bar1Free;
    unsigned long long bar1Used;
} nvmlBAR1Memory_t;

typedef struct nvmlUtilization_st {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct nvmlProcessUtilizationSample_st {
    unsigned int pid;
    unsigned long long timeStamp;
    unsigned int smUtil;
    unsigned int memUtil;
    unsigned int encUtil;
    unsigned int decUtil;
} nvmlProcessUtilizationSample_t;

typedef struct {
    unsigned int version;
    nvmlTemperatureSensors_t sensorType;
    int temperature;
} nvmlTemperature_v1_t;

typedef struct nvmlProcessInfo_v1_st {
    unsigned int pid;
    unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;

typedef struct nvmlProcessInfo_v2_st {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_v2_t;

/* nvmlProcessDetail_v1_t; also the 32-byte entry R535-era drivers write from the _v3 calls. */
typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
    unsigned long long usedGpuCcProtectedMemory;
} nvmlProcessDetail_v1_t;

typedef struct {
    unsigned int version;
    unsigned int mode; /* 0 compute, 1 graphics, 2 MPS compute */
    unsigned int numProcArrayEntries;
    nvmlProcessDetail_v1_t *procArray;
} nvmlProcessDetailList_v1_t;

typedef struct {
    unsigned long long protectedMemSizeKib;
    unsigned long long unprotectedMemSizeKib;
} nvmlConfComputeMemSizeInfo_t;

typedef union nvmlValue_st {
    double dVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
    signed int siVal;
    unsigned short usVal;
} nvmlValue_t;

typedef struct nvmlFieldValue_st {
    unsigned int fieldId;
    unsigned int scopeId;
    long long timestamp;
    long long latencyUsec;
    nvmlValueType_t valueType;
    nvmlReturn_t nvmlReturn;
    nvmlValue_t value;
} nvmlFieldValue_t;

#define NVML_STRUCT_VERSION(size, ver) ((unsigned int)((size) | ((unsigned int)(ver) << 24)))
#define nvmlMemory_v2 NVML_STRUCT_VERSION(sizeof(nvmlMemory_v2_t), 2)
#define nvmlTemperature_v1 NVML_STRUCT_VERSION(sizeof(nvmlTemperature_v1_t), 1)
#define nvmlProcessDetailList_v1 NVML_STRUCT_VERSION(sizeof(nvmlProcessDetailList_v1_t), 1)

/* Sizes and offsets from nvml-abi.md (checked there against NVIDIA's header). */
_Static_assert(sizeof(nvmlReturn_t) == 4, "nvmlReturn_t");
_Static_assert(sizeof(nvmlDevice_t) == 8, "nvmlDevice_t");
_Static_assert(sizeof(nvmlMemory_t) == 24, "nvmlMemory_t");
_Static_assert(sizeof(nvmlMemory_v2_t) == 40, "nvmlMemory_v2_t");
_Static_assert(offsetof(nvmlMemory_v2_t, total) == 8, "nvmlMemory_v2_t.total");
_Static_assert(offsetof(nvmlMemory_v2_t, reserved) == 16, "nvmlMemory_v2_t.reserved");
_Static_assert(offsetof(nvmlMemory_v2_t, free) == 24, "nvmlMemory_v2_t.free");
_Static_assert(offsetof(nvmlMemory_v2_t, used) == 32, "nvmlMemory_v2_t.used");
_Static_assert(sizeof(nvmlBAR1Memory_t) == 24, "nvmlBAR1Memory_t");
_Static_assert(sizeof(nvmlUtilization_t) == 8, "nvmlUtilization_t");
_Static_assert(sizeof(nvmlProcessUtilizationSample_t) == 32, "nvmlProcessUtilizationSample_t");
_Static_assert(offsetof(nvmlProcessUtilizationSample_t, timeStamp) == 8, "sample.timeStamp");
_Static_assert(offsetof(nvmlProcessUtilizationSample_t, smUtil) == 16, "sample.smUtil");
_Static_assert(offsetof(nvmlProcessUtilizationSample_t, decUtil) == 28, "sample.decUtil");
_Static_assert(sizeof(nvmlTemperature_v1_t) == 12, "nvmlTemperature_v1_t");
_Static_assert(offsetof(nvmlTemperature_v1_t, temperature) == 8, "nvmlTemperature_v1_t.temperature");
_Static_assert(sizeof(nvmlPciInfo_t) == 68, "nvmlPciInfo_t");
_Static_assert(offsetof(nvmlPciInfo_t, domain) == 16, "nvmlPciInfo_t.domain");
_Static_assert(offsetof(nvmlPciInfo_t, pciDeviceId) == 28, "nvmlPciInfo_t.pciDeviceId");
_Static_assert(offsetof(nvmlPciInfo_t, pciSubSystemId) == 32, "nvmlPciInfo_t.pciSubSystemId");
_Static_assert(offsetof(nvmlPciInfo_t, busId) == 36, "nvmlPciInfo_t.busId");
_Static_assert(sizeof(nvmlProcessInfo_v1_t) == 16, "nvmlProcessInfo_v1_t");
_Static_assert(sizeof(nvmlProcessInfo_v2_t) == 24, "nvmlProcessInfo_v2_t");
_Static_assert(offsetof(nvmlProcessInfo_v2_t, usedGpuMemory) == 8, "v2.usedGpuMemory");
_Static_assert(offsetof(nvmlProcessInfo_v2_t, gpuInstanceId) == 16, "v2.gpuInstanceId");
_Static_assert(offsetof(nvmlProcessInfo_v2_t, computeInstanceId) == 20, "v2.computeInstanceId");
_Static_assert(sizeof(nvmlProcessDetail_v1_t) == 32, "nvmlProcessDetail_v1_t");
_Static_assert(offsetof(nvmlProcessDetail_v1_t, usedGpuCcProtectedMemory) == 24, "detail.cc");
_Static_assert(sizeof(nvmlProcessDetailList_v1_t) == 24, "nvmlProcessDetailList_v1_t");
_Static_assert(sizeof(nvmlConfComputeMemSizeInfo_t) == 16, "nvmlConfComputeMemSizeInfo_t");
_Static_assert(sizeof(nvmlValue_t) == 8, "nvmlValue_t");
_Static_assert(sizeof(nvmlFieldValue_t) == 40, "nvmlFieldValue_t");
_Static_assert(offsetof(nvmlFieldValue_t, timestamp) == 8, "field.timestamp");
_Static_assert(offsetof(nvmlFieldValue_t, latencyUsec) == 16, "field.latencyUsec");
_Static_assert(offsetof(nvmlFieldValue_t, valueType) == 24, "field.valueType");
_Static_assert(offsetof(nvmlFieldValue_t, nvmlReturn) == 28, "field.nvmlReturn");
_Static_assert(offsetof(nvmlFieldValue_t, value) == 32, "field.value");
_Static_assert(nvmlMemory_v2 == 0x02000028u, "nvmlMemory_v2");
_Static_assert(nvmlTemperature_v1 == 0x0100000Cu, "nvmlTemperature_v1");

/* ============================================================================================
 * The exported functions: one table drives call counting and error injection.
 * X(symbol, family, class). `family` is the unversioned name: an "errors" key naming the family
 * applies to every version unless the versioned symbol has its own key.
 * ========================================================================================== */

enum fn_class {
    FC_LIFE,   /* init / shutdown / errorString: never injected */
    FC_SYS,    /* system-level: top-level "errors" */
    FC_LOOKUP, /* handle lookups: that device's "errors" (not "*"); "handleError" */
    FC_DEV     /* take a device handle: the device's "errors", including "*" */
};

#define FAKE_FUNCS(X)                                                                               \
    X(nvmlInit, nvmlInit, FC_LIFE)                                                                   \
    X(nvmlInit_v2, nvmlInit, FC_LIFE)                                                                \
    X(nvmlInitWithFlags, nvmlInit, FC_LIFE)                                                          \
    X(nvmlShutdown, nvmlShutdown, FC_LIFE)                                                           \
    X(nvmlErrorString, nvmlErrorString, FC_LIFE)                                                     \
    X(nvmlSystemGetDriverVersion, nvmlSystemGetDriverVersion, FC_SYS)                                \
    X(nvmlSystemGetNVMLVersion, nvmlSystemGetNVMLVersion, FC_SYS)                                    \
    X(nvmlSystemGetCudaDriverVersion, nvmlSystemGetCudaDriverVersion, FC_SYS)                        \
    X(nvmlSystemGetCudaDriverVersion_v2, nvmlSystemGetCudaDriverVersion, FC_SYS)                     \
    X(nvmlDeviceGetCount, nvmlDeviceGetCount, FC_SYS)                                                \
    X(nvmlDeviceGetCount_v2, nvmlDeviceGetCount, FC_SYS)                                             \
    X(nvmlDeviceGetHandleByIndex, nvmlDeviceGetHandleByIndex, FC_LOOKUP)                             \
    X(nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetHandleByIndex, FC_LOOKUP)                          \
    X(nvmlDeviceGetHandleByUUID, nvmlDeviceGetHandleByUUID, FC_LOOKUP)                               \
    X(nvmlDeviceGetHandleByPciBusId, nvmlDeviceGetHandleByPciBusId, FC_LOOKUP)                       \
    X(nvmlDeviceGetHandleByPciBusId_v2, nvmlDeviceGetHandleByPciBusId, FC_LOOKUP)                    \
    X(nvmlDeviceGetIndex, nvmlDeviceGetIndex, FC_DEV)                                                \
    X(nvmlDeviceGetName, nvmlDeviceGetName, FC_DEV)                                                  \
    X(nvmlDeviceGetUUID, nvmlDeviceGetUUID, FC_DEV)                                                  \
    X(nvmlDeviceGetSerial, nvmlDeviceGetSerial, FC_DEV)                                              \
    X(nvmlDeviceGetPciInfo, nvmlDeviceGetPciInfo, FC_DEV)                                            \
    X(nvmlDeviceGetPciInfo_v2, nvmlDeviceGetPciInfo, FC_DEV)                                         \
    X(nvmlDeviceGetPciInfo_v3, nvmlDeviceGetPciInfo, FC_DEV)                                         \
    X(nvmlDeviceGetMemoryInfo, nvmlDeviceGetMemoryInfo, FC_DEV)                                      \
    X(nvmlDeviceGetMemoryInfo_v2, nvmlDeviceGetMemoryInfo, FC_DEV)                                   \
    X(nvmlDeviceGetBAR1MemoryInfo, nvmlDeviceGetBAR1MemoryInfo, FC_DEV)                              \
    X(nvmlDeviceGetUtilizationRates, nvmlDeviceGetUtilizationRates, FC_DEV)                          \
    X(nvmlDeviceGetEncoderUtilization, nvmlDeviceGetEncoderUtilization, FC_DEV)                      \
    X(nvmlDeviceGetDecoderUtilization, nvmlDeviceGetDecoderUtilization, FC_DEV)                      \
    X(nvmlDeviceGetClockInfo, nvmlDeviceGetClockInfo, FC_DEV)                                        \
    X(nvmlDeviceGetMaxClockInfo, nvmlDeviceGetMaxClockInfo, FC_DEV)                                  \
    X(nvmlDeviceGetFanSpeed, nvmlDeviceGetFanSpeed, FC_DEV)                                          \
    X(nvmlDeviceGetTemperature, nvmlDeviceGetTemperature, FC_DEV)                                    \
    X(nvmlDeviceGetTemperatureV, nvmlDeviceGetTemperature, FC_DEV)                                   \
    X(nvmlDeviceGetPowerUsage, nvmlDeviceGetPowerUsage, FC_DEV)                                      \
    X(nvmlDeviceGetPowerManagementLimit, nvmlDeviceGetPowerManagementLimit, FC_DEV)                  \
    X(nvmlDeviceGetEnforcedPowerLimit, nvmlDeviceGetEnforcedPowerLimit, FC_DEV)                      \
    X(nvmlDeviceGetPcieThroughput, nvmlDeviceGetPcieThroughput, FC_DEV)                              \
    X(nvmlDeviceGetDisplayActive, nvmlDeviceGetDisplayActive, FC_DEV)                                \
    X(nvmlDeviceGetDisplayMode, nvmlDeviceGetDisplayMode, FC_DEV)                                    \
    X(nvmlDeviceGetPersistenceMode, nvmlDeviceGetPersistenceMode, FC_DEV)                            \
    X(nvmlDeviceGetPerformanceState, nvmlDeviceGetPerformanceState, FC_DEV)                          \
    X(nvmlDeviceGetTotalEccErrors, nvmlDeviceGetTotalEccErrors, FC_DEV)                              \
    X(nvmlDeviceGetComputeMode, nvmlDeviceGetComputeMode, FC_DEV)                                    \
    X(nvmlDeviceGetCudaComputeCapability, nvmlDeviceGetCudaComputeCapability, FC_DEV)                \
    X(nvmlDeviceGetDriverModel, nvmlDeviceGetDriverModel, FC_DEV)                                    \
    X(nvmlDeviceGetDriverModel_v2, nvmlDeviceGetDriverModel, FC_DEV)                                 \
    X(nvmlDeviceIsMigDeviceHandle, nvmlDeviceIsMigDeviceHandle, FC_DEV)                              \
    X(nvmlDeviceGetMigMode, nvmlDeviceGetMigMode, FC_DEV)                                            \
    X(nvmlDeviceGetMaxMigDeviceCount, nvmlDeviceGetMaxMigDeviceCount, FC_DEV)                        \
    X(nvmlDeviceGetMigDeviceHandleByIndex, nvmlDeviceGetMigDeviceHandleByIndex, FC_DEV)              \
    X(nvmlDeviceGetDeviceHandleFromMigDeviceHandle, nvmlDeviceGetDeviceHandleFromMigDeviceHandle,    \
      FC_DEV)                                                                                        \
    X(nvmlDeviceGetGpuInstanceId, nvmlDeviceGetGpuInstanceId, FC_DEV)                                \
    X(nvmlDeviceGetComputeInstanceId, nvmlDeviceGetComputeInstanceId, FC_DEV)                        \
    X(nvmlDeviceGetComputeRunningProcesses, nvmlDeviceGetComputeRunningProcesses, FC_DEV)            \
    X(nvmlDeviceGetComputeRunningProcesses_v2, nvmlDeviceGetComputeRunningProcesses, FC_DEV)         \
    X(nvmlDeviceGetComputeRunningProcesses_v3, nvmlDeviceGetComputeRunningProcesses, FC_DEV)         \
    X(nvmlDeviceGetGraphicsRunningProcesses, nvmlDeviceGetGraphicsRunningProcesses, FC_DEV)          \
    X(nvmlDeviceGetGraphicsRunningProcesses_v2, nvmlDeviceGetGraphicsRunningProcesses, FC_DEV)       \
    X(nvmlDeviceGetGraphicsRunningProcesses_v3, nvmlDeviceGetGraphicsRunningProcesses, FC_DEV)       \
    X(nvmlDeviceGetRunningProcessDetailList, nvmlDeviceGetRunningProcessDetailList, FC_DEV)          \
    X(nvmlDeviceGetConfComputeMemSizeInfo, nvmlDeviceGetConfComputeMemSizeInfo, FC_DEV)              \
    X(nvmlDeviceGetProcessUtilization, nvmlDeviceGetProcessUtilization, FC_DEV)                      \
    X(nvmlDeviceGetFieldValues, nvmlDeviceGetFieldValues, FC_DEV)                                    \
    X(nvmlDeviceGetNvLinkState, nvmlDeviceGetNvLinkState, FC_DEV)

enum fn_id {
#define X(sym, fam, cls) FN_##sym,
    FAKE_FUNCS(X)
#undef X
        FN_COUNT
};

static const char *const fn_names[FN_COUNT] = {
#define X(sym, fam, cls) #sym,
    FAKE_FUNCS(X)
#undef X
};

static const char *const fn_families[FN_COUNT] = {
#define X(sym, fam, cls) #fam,
    FAKE_FUNCS(X)
#undef X
};

static const unsigned char fn_classes[FN_COUNT] = {
#define X(sym, fam, cls) cls,
    FAKE_FUNCS(X)
#undef X
};

static int fn_lookup(const char *name) {
    for (int i = 0; i < FN_COUNT; i++)
        if (strcmp(fn_names[i], name) == 0) return i;
    return -1;
}

/* ============================================================================================
 * Scenario model
 * ========================================================================================== */

#define MAX_DEVICES 256
#define MAX_MIG 8

/* Presence bits: a field absent from the scenario answers NVML_ERROR_NOT_SUPPORTED. */
enum {
    F_NAME, F_UUID, F_SERIAL, F_PCI, F_MEMORY, F_BAR1, F_UTIL, F_ENCODER, F_DECODER,
    F_CLOCK0, F_CLOCK1, F_CLOCK2, F_CLOCK3,
    F_MAXCLOCK0, F_MAXCLOCK1, F_MAXCLOCK2, F_MAXCLOCK3,
    F_FAN, F_TEMP, F_POWER, F_POWER_LIMIT, F_ENFORCED_LIMIT, F_PCIE_TX, F_PCIE_RX,
    F_DISPLAY_ACTIVE, F_DISPLAY_MODE, F_PERSISTENCE, F_PSTATE,
    F_ECC_CORR_VOL, F_ECC_CORR_AGG, F_ECC_UNCORR_VOL, F_ECC_UNCORR_AGG,
    F_COMPUTE_MODE, F_CUDA_CC, F_DRIVER_MODEL, F_MIG_MODE, F_MAX_MIG, F_GI, F_CI, F_NVLINK,
    F_COMPUTE_PROCS, F_GRAPHICS_PROCS, F_PROC_UTIL, F_CONF_COMPUTE,
    F_ENERGY, F_PCIE_BYTES_TX, F_PCIE_BYTES_RX,
    F_COUNT
};
_Static_assert(F_COUNT <= 64, "presence bits fit a uint64_t");

#define HAS(d, f) (((d)->has >> (f)) & 1u)
#define SET_HAS(d, f) ((d)->has |= (1ull << (f)))

struct fproc {
    unsigned int pid;
    unsigned int gi, ci;
    unsigned long long mem;
    unsigned long long cc_mem;
};

struct fsample {
    unsigned int pid;
    unsigned int sm, mem, enc, dec;
    int ts_mode; /* 0: now, 1: absolute timeStamp, 2: now - ageUs */
    unsigned long long ts;
};

struct nvmlDevice_st {
    int present;
    int is_mig;
    unsigned int index; /* NVML index of a physical GPU; MIG index under its parent */
    struct nvmlDevice_st *parent;
    uint64_t has;
    int handle_error;
    int err_star;
    int err[FN_COUNT];

    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
    char serial[NVML_DEVICE_SERIAL_BUFFER_SIZE];
    nvmlPciInfo_t pci;
    unsigned long long mem_total, mem_reserved, mem_used;
    unsigned long long bar1_total, bar1_used;
    unsigned int util_gpu, util_mem;
    unsigned int enc_util, enc_period, dec_util, dec_period;
    unsigned int clocks[NVML_CLOCK_COUNT], max_clocks[NVML_CLOCK_COUNT];
    unsigned int fan;
    int temp;
    unsigned int power, power_limit, enforced_limit;
    unsigned int pcie[NVML_PCIE_UTIL_COUNT];
    unsigned long long energy_mj;                          /* since the driver was loaded */
    unsigned long long pcie_bytes[NVML_PCIE_UTIL_COUNT]; /* cumulative TX, RX */
    int display_active, display_mode, persistence, pstate;
    unsigned long long ecc[2][2]; /* [errorType][counterType] */
    int compute_mode;
    int cc_major, cc_minor;
    int driver_model_current, driver_model_pending;
    unsigned int mig_current, mig_pending, max_mig;
    unsigned int gi, ci;
    unsigned long long conf_protected_kib, conf_unprotected_kib;

    unsigned int nvlink_count;
    double tx_rate[NVML_NVLINK_MAX_LINKS], rx_rate[NVML_NVLINK_MAX_LINKS];
    /* Counter state survives scenario reloads so counters never go backwards. */
    double tx_base[NVML_NVLINK_MAX_LINKS], rx_base[NVML_NVLINK_MAX_LINKS];
    unsigned long long nvl_t0_us;

    struct fproc *compute;
    unsigned int ncompute;
    struct fproc *graphics;
    unsigned int ngraphics;
    struct fsample *samples;
    unsigned int nsamples;
    unsigned int nmig;
};

struct scenario {
    char driver_version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
    char nvml_version[NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE];
    int cuda_version;
    int init_error;
    unsigned int v3_stride;
    unsigned int pcie_delay_ms;
    int sys_err[FN_COUNT];
    unsigned int ndev;
};

/* Handles are pointers into these arrays: stable for the life of the process, reused (and
 * refreshed in place) when the scenario is reloaded. */
static struct nvmlDevice_st g_phys[MAX_DEVICES];
static struct nvmlDevice_st g_mig[MAX_DEVICES][MAX_MIG];
static struct scenario g_scn;
static int g_loaded;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int g_init_count;
static unsigned long long g_counts[FN_COUNT];

/* Scenario file tracking (mtime reload). */
static char g_path[4096];
static int g_path_override; /* set by fakeNvml_loadScenario */
static struct timespec g_mtime;
static off_t g_size;
static ino_t g_ino;
static unsigned long long g_last_check_ns;
static unsigned long long g_bad_mtime_ns; /* mtime of a file that failed to load (warned once) */

#define RELOAD_INTERVAL_NS 100000000ull

/* ============================================================================================
 * Small utilities
 * ========================================================================================== */

static unsigned long long mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static unsigned long long real_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000ull;
}

static nvmlReturn_t copy_string(char *buf, unsigned int length, const char *s) {
    if (!buf) return NVML_ERROR_INVALID_ARGUMENT;
    size_t n = strlen(s);
    if ((size_t)length < n + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(buf, s, n + 1);
    return NVML_SUCCESS;
}

static const struct {
    int code;
    const char *name;   /* enum name without the NVML_ / NVML_ERROR_ prefix */
    const char *string; /* what nvmlErrorString returns */
} g_errors[] = {
    {NVML_SUCCESS, "SUCCESS", "Success"},
    {NVML_ERROR_UNINITIALIZED, "UNINITIALIZED", "Uninitialized"},
    {NVML_ERROR_INVALID_ARGUMENT, "INVALID_ARGUMENT", "Invalid Argument"},
    {NVML_ERROR_NOT_SUPPORTED, "NOT_SUPPORTED", "Not Supported"},
    {NVML_ERROR_NO_PERMISSION, "NO_PERMISSION", "Insufficient Permissions"},
    {NVML_ERROR_ALREADY_INITIALIZED, "ALREADY_INITIALIZED", "Already Initialized"},
    {NVML_ERROR_NOT_FOUND, "NOT_FOUND", "Not Found"},
    {NVML_ERROR_INSUFFICIENT_SIZE, "INSUFFICIENT_SIZE", "Insufficient Size"},
    {NVML_ERROR_INSUFFICIENT_POWER, "INSUFFICIENT_POWER", "Insufficient External Power"},
    {NVML_ERROR_DRIVER_NOT_LOADED, "DRIVER_NOT_LOADED", "Driver Not Loaded"},
    {NVML_ERROR_TIMEOUT, "TIMEOUT", "Timeout"},
    {NVML_ERROR_IRQ_ISSUE, "IRQ_ISSUE", "Interrupt Request Issue"},
    {NVML_ERROR_LIBRARY_NOT_FOUND, "LIBRARY_NOT_FOUND", "NVML Shared Library Not Found"},
    {NVML_ERROR_FUNCTION_NOT_FOUND, "FUNCTION_NOT_FOUND", "Function Not Found"},
    {NVML_ERROR_CORRUPTED_INFOROM, "CORRUPTED_INFOROM", "Corrupted infoROM"},
    {NVML_ERROR_GPU_IS_LOST, "GPU_IS_LOST", "GPU is lost"},
    {NVML_ERROR_RESET_REQUIRED, "RESET_REQUIRED", "GPU requires restart"},
    {NVML_ERROR_OPERATING_SYSTEM, "OPERATING_SYSTEM", "The operating system has blocked the request"},
    {NVML_ERROR_LIB_RM_VERSION_MISMATCH, "LIB_RM_VERSION_MISMATCH",
     "RM has detected an NVML/RM version mismatch"},
    {NVML_ERROR_IN_USE, "IN_USE", "In use by another client"},
    {NVML_ERROR_MEMORY, "MEMORY", "Insufficient Memory"},
    {NVML_ERROR_NO_DATA, "NO_DATA", "No data"},
    {NVML_ERROR_VGPU_ECC_NOT_SUPPORTED, "VGPU_ECC_NOT_SUPPORTED",
     "The requested vgpu operation is not available on target device, because ECC is enabled"},
    {NVML_ERROR_INSUFFICIENT_RESOURCES, "INSUFFICIENT_RESOURCES", "Insufficient Resources"},
    {NVML_ERROR_FREQ_NOT_SUPPORTED, "FREQ_NOT_SUPPORTED", "Frequency not supported"},
    {NVML_ERROR_ARGUMENT_VERSION_MISMATCH, "ARGUMENT_VERSION_MISMATCH", "Argument version mismatch"},
    {NVML_ERROR_DEPRECATED, "DEPRECATED", "Deprecated"},
    {NVML_ERROR_NOT_READY, "NOT_READY", "Not Ready"},
    {NVML_ERROR_GPU_NOT_FOUND, "GPU_NOT_FOUND", "GPU not found"},
    {NVML_ERROR_INVALID_STATE, "INVALID_STATE", "Invalid state"},
    {NVML_ERROR_RESET_TYPE_NOT_SUPPORTED, "RESET_TYPE_NOT_SUPPORTED", "Reset type not supported"},
    {NVML_ERROR_UNKNOWN, "UNKNOWN", "Unknown Error"},
};

#define N_ERRORS (sizeof(g_errors) / sizeof(g_errors[0]))

/* ============================================================================================
 * Scenario loading (only at init, on a changed mtime, or from fakeNvml_loadScenario)
 * ========================================================================================== */

typedef struct {
    char msg[512];
    int failed;
} lerr;

__attribute__((format(printf, 2, 3))) static int lfail(lerr *e, const char *fmt, ...) {
    if (!e->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
        e->failed = 1;
    }
    return 0;
}

static int is_comment_key(const char *k) { return k[0] == '_' || k[0] == '#'; }

/* Builds a "devices[0].memory"-style location for messages (truncation is harmless). */
__attribute__((format(printf, 3, 4))) static void wpath(char *w, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w, cap, fmt, ap);
    va_end(ap);
}

static int check_keys(lerr *e, const json_value *obj, const char *where, const char *const *allowed) {
    for (size_t i = 0; i < json_size(obj); i++) {
        const char *k = json_key_at(obj, i);
        if (is_comment_key(k)) continue;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0) {
                ok = 1;
                break;
            }
        if (!ok) return lfail(e, "%s: unknown key \"%s\"", where, k);
    }
    return 1;
}

/* Integer (or boolean) in [min, max]; hex strings such as "0x268410DE" are accepted too. */
static int as_int_range(lerr *e, const json_value *v, const char *where, long long min,
                        unsigned long long max, unsigned long long *out, int *neg) {
    *neg = 0;
    if (v->type == JSON_BOOL) {
        *out = (unsigned long long)v->boolean;
        return 1;
    }
    if (v->type == JSON_STRING) {
        char *end = NULL;
        errno = 0;
        unsigned long long u = strtoull(v->string, &end, 0);
        if (errno || !end || *end || end == v->string || v->string[0] == '-')
            return lfail(e, "%s: \"%s\" is not a number", where, v->string);
        if (u > max) return lfail(e, "%s: %s is out of range", where, v->string);
        *out = u;
        return 1;
    }
    if (v->type != JSON_NUMBER || !v->is_int) return lfail(e, "%s: expected an integer", where);
    if (v->negative) {
        if (v->uint_value > (unsigned long long)LLONG_MAX ||
            -(long long)v->uint_value < min)
            return lfail(e, "%s: value out of range", where);
        *neg = 1;
        *out = v->uint_value;
        return 1;
    }
    if (v->uint_value > max) return lfail(e, "%s: value out of range", where);
    *out = v->uint_value;
    return 1;
}

static int get_u32(lerr *e, const json_value *obj, const char *key, const char *where,
                   unsigned int *out, int *present) {
    const json_value *v = json_get(obj, key);
    if (present) *present = 0;
    if (!v) return 1;
    char w[256];
    wpath(w, sizeof(w), "%s.%s", where, key);
    unsigned long long u;
    int neg;
    if (!as_int_range(e, v, w, 0, UINT_MAX, &u, &neg)) return 0;
    *out = (unsigned int)u;
    if (present) *present = 1;
    return 1;
}

static int get_i32(lerr *e, const json_value *obj, const char *key, const char *where, int *out,
                   int *present) {
    const json_value *v = json_get(obj, key);
    if (present) *present = 0;
    if (!v) return 1;
    char w[256];
    wpath(w, sizeof(w), "%s.%s", where, key);
    unsigned long long u;
    int neg;
    if (!as_int_range(e, v, w, INT_MIN, INT_MAX, &u, &neg)) return 0;
    *out = neg ? -(int)(long long)u : (int)u;
    if (present) *present = 1;
    return 1;
}

static int get_u64(lerr *e, const json_value *obj, const char *key, const char *where,
                   unsigned long long *out, int *present) {
    const json_value *v = json_get(obj, key);
    if (present) *present = 0;
    if (!v) return 1;
    char w[256];
    wpath(w, sizeof(w), "%s.%s", where, key);
    int neg;
    if (!as_int_range(e, v, w, 0, ULLONG_MAX, out, &neg)) return 0;
    if (present) *present = 1;
    return 1;
}

static int get_double(lerr *e, const json_value *v, const char *where, double *out) {
    if (v->type != JSON_NUMBER || v->number < 0) return lfail(e, "%s: expected a number >= 0", where);
    *out = v->number;
    return 1;
}

static int get_str(lerr *e, const json_value *obj, const char *key, const char *where, char *out,
                   size_t cap, int *present) {
    const json_value *v = json_get(obj, key);
    if (present) *present = 0;
    if (!v) return 1;
    if (v->type != JSON_STRING) return lfail(e, "%s.%s: expected a string", where, key);
    if (v->length + 1 > cap)
        return lfail(e, "%s.%s: longer than NVML's %zu-byte buffer", where, key, cap);
    memcpy(out, v->string, v->length + 1);
    if (present) *present = 1;
    return 1;
}

/* An NVML return code: a number or a name ("GPU_IS_LOST", "NVML_ERROR_GPU_IS_LOST"). */
static int parse_code(lerr *e, const json_value *v, const char *where, int *out) {
    if (v->type == JSON_NUMBER) {
        if (!v->is_int || v->negative || v->uint_value > INT_MAX)
            return lfail(e, "%s: bad return code", where);
        *out = (int)v->uint_value;
        return 1;
    }
    if (v->type == JSON_STRING) {
        const char *s = v->string;
        if (strncmp(s, "NVML_ERROR_", 11) == 0)
            s += 11;
        else if (strncmp(s, "NVML_", 5) == 0)
            s += 5;
        else if (strncmp(s, "ERROR_", 6) == 0)
            s += 6;
        for (size_t i = 0; i < N_ERRORS; i++)
            if (strcmp(g_errors[i].name, s) == 0) {
                *out = g_errors[i].code;
                return 1;
            }
        return lfail(e, "%s: unknown return code \"%s\"", where, v->string);
    }
    return lfail(e, "%s: expected a return code", where);
}

/* "errors": {"nvmlDeviceGetFanSpeed": 3, "*": 15}. A family name (unversioned symbol) applies
 * to all its versions unless a versioned key is also given. */
static int parse_errors(lerr *e, const json_value *obj, const char *where, int *err, int *star,
                        int allow_star, int cls_mask) {
    if (!obj) return 1;
    char w[256];
    wpath(w, sizeof(w), "%s.errors", where);
    if (obj->type != JSON_OBJECT) return lfail(e, "%s: expected an object", w);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < json_size(obj); i++) {
            const char *k = json_key_at(obj, i);
            if (is_comment_key(k)) continue;
            int code;
            char wk[384];
            wpath(wk, sizeof(wk), "%s.%s", w, k);
            if (!parse_code(e, json_at(obj, i), wk, &code)) return 0;
            if (strcmp(k, "*") == 0) {
                if (!allow_star) return lfail(e, "%s: \"*\" is only allowed on a device", w);
                if (pass == 0) *star = code;
                continue;
            }
            int exact = fn_lookup(k);
            if (pass == 0) {
                /* family keys first */
                int any = 0;
                for (int f = 0; f < FN_COUNT; f++)
                    if (strcmp(fn_families[f], k) == 0 && ((cls_mask >> fn_classes[f]) & 1)) {
                        err[f] = code;
                        any = 1;
                    }
                if (!any && (exact < 0 || !((cls_mask >> fn_classes[exact]) & 1)))
                    return lfail(e, "%s: \"%s\" is not a function this fake can fail here", w, k);
            } else if (exact >= 0 && ((cls_mask >> fn_classes[exact]) & 1)) {
                err[exact] = code;
            }
        }
    }
    return 1;
}

static int parse_pid(lerr *e, const json_value *v, const char *where, unsigned int *out) {
    if (v && v->type == JSON_STRING) {
        if (strcmp(v->string, "self") == 0) {
            *out = (unsigned int)getpid();
            return 1;
        }
        if (strcmp(v->string, "parent") == 0) {
            *out = (unsigned int)getppid();
            return 1;
        }
        return lfail(e, "%s.pid: expected a number, \"self\" or \"parent\"", where);
    }
    if (!v || v->type != JSON_NUMBER || !v->is_int || v->negative || v->uint_value > UINT_MAX)
        return lfail(e, "%s.pid: expected a number, \"self\" or \"parent\"", where);
    *out = (unsigned int)v->uint_value;
    return 1;
}

static int parse_procs(lerr *e, const json_value *arr, const char *where, unsigned int def_gi,
                       unsigned int def_ci, struct fproc **out, unsigned int *n) {
    static const char *const keys[] = {"pid", "usedGpuMemory", "gpuInstanceId",
                                       "computeInstanceId", "usedGpuCcProtectedMemory", NULL};
    if (arr->type != JSON_ARRAY) return lfail(e, "%s: expected an array", where);
    size_t cnt = json_size(arr);
    *out = NULL;
    *n = 0;
    if (cnt == 0) return 1;
    struct fproc *p = calloc(cnt, sizeof(*p));
    if (!p) return lfail(e, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        const json_value *o = json_at(arr, i);
        char w[256];
        wpath(w, sizeof(w), "%s[%zu]", where, i);
        if (o->type != JSON_OBJECT) {
            free(p);
            return lfail(e, "%s: expected an object", w);
        }
        if (!check_keys(e, o, w, keys) || !parse_pid(e, json_get(o, "pid"), w, &p[i].pid)) {
            free(p);
            return 0;
        }
        const json_value *mem = json_get(o, "usedGpuMemory");
        p[i].mem = NVML_VALUE_NOT_AVAILABLE_ULL;
        if (mem && mem->type != JSON_NULL && !get_u64(e, o, "usedGpuMemory", w, &p[i].mem, NULL)) {
            free(p);
            return 0;
        }
        p[i].gi = def_gi;
        p[i].ci = def_ci;
        if (!get_u32(e, o, "gpuInstanceId", w, &p[i].gi, NULL) ||
            !get_u32(e, o, "computeInstanceId", w, &p[i].ci, NULL) ||
            !get_u64(e, o, "usedGpuCcProtectedMemory", w, &p[i].cc_mem, NULL)) {
            free(p);
            return 0;
        }
    }
    *out = p;
    *n = (unsigned int)cnt;
    return 1;
}

static int parse_samples(lerr *e, const json_value *arr, const char *where, struct fsample **out,
                         unsigned int *n) {
    static const char *const keys[] = {"pid", "smUtil", "memUtil", "encUtil", "decUtil",
                                       "timeStamp", "ageUs", NULL};
    if (arr->type != JSON_ARRAY) return lfail(e, "%s: expected an array", where);
    size_t cnt = json_size(arr);
    *out = NULL;
    *n = 0;
    if (cnt == 0) return 1;
    struct fsample *s = calloc(cnt, sizeof(*s));
    if (!s) return lfail(e, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        const json_value *o = json_at(arr, i);
        char w[256];
        wpath(w, sizeof(w), "%s[%zu]", where, i);
        int has_ts = 0, has_age = 0;
        unsigned long long ts = 0, age = 0;
        if (o->type != JSON_OBJECT) {
            free(s);
            return lfail(e, "%s: expected an object", w);
        }
        if (!check_keys(e, o, w, keys) || !parse_pid(e, json_get(o, "pid"), w, &s[i].pid) ||
            !get_u32(e, o, "smUtil", w, &s[i].sm, NULL) ||
            !get_u32(e, o, "memUtil", w, &s[i].mem, NULL) ||
            !get_u32(e, o, "encUtil", w, &s[i].enc, NULL) ||
            !get_u32(e, o, "decUtil", w, &s[i].dec, NULL) ||
            !get_u64(e, o, "timeStamp", w, &ts, &has_ts) ||
            !get_u64(e, o, "ageUs", w, &age, &has_age)) {
            free(s);
            return 0;
        }
        if (has_ts) {
            s[i].ts_mode = 1;
            s[i].ts = ts;
        } else if (has_age) {
            s[i].ts_mode = 2;
            s[i].ts = age;
        }
    }
    *out = s;
    *n = (unsigned int)cnt;
    return 1;
}

static void free_device_lists(struct nvmlDevice_st *d) {
    free(d->compute);
    free(d->graphics);
    free(d->samples);
    d->compute = NULL;
    d->graphics = NULL;
    d->samples = NULL;
    d->ncompute = d->ngraphics = d->nsamples = 0;
}

/* {"utilization": 10, "samplingPeriodUs": 167000} or a plain number. */
static int parse_codec(lerr *e, const json_value *v, const char *where, unsigned int *util,
                       unsigned int *period) {
    static const char *const keys[] = {"utilization", "samplingPeriodUs", NULL};
    *period = 167000;
    if (v->type == JSON_OBJECT) {
        int present = 0;
        if (!check_keys(e, v, where, keys) || !get_u32(e, v, "utilization", where, util, &present) ||
            !get_u32(e, v, "samplingPeriodUs", where, period, NULL))
            return 0;
        if (!present) return lfail(e, "%s.utilization: missing", where);
        return 1;
    }
    unsigned long long u;
    int neg;
    if (!as_int_range(e, v, where, 0, UINT_MAX, &u, &neg)) return 0;
    *util = (unsigned int)u;
    return 1;
}

static int parse_rates(lerr *e, const json_value *v, const char *where, unsigned int links,
                       double *rates) {
    if (!v) return 1;
    if (v->type == JSON_ARRAY) {
        if (json_size(v) != links)
            return lfail(e, "%s: expected %u per-link rates", where, links);
        for (unsigned int l = 0; l < links; l++)
            if (!get_double(e, json_at(v, l), where, &rates[l])) return 0;
        return 1;
    }
    double r = 0;
    if (!get_double(e, v, where, &r)) return 0;
    for (unsigned int l = 0; l < links; l++) rates[l] = r;
    return 1;
}

static const char *const device_keys[] = {
    "name", "uuid", "serial", "pci", "memory", "bar1", "utilization", "encoder", "decoder",
    "clocks", "maxClocks", "fanSpeed", "temperature", "powerUsage", "powerLimit",
    "enforcedPowerLimit", "pcie", "displayActive", "displayMode", "persistenceMode",
    "performanceState", "eccVolatileUncorrected", "eccVolatileCorrected",
    "eccAggregateUncorrected", "eccAggregateCorrected", "computeMode", "cudaComputeCapability",
    "driverModel", "migMode", "maxMigDeviceCount", "migDevices", "gpuInstanceId",
    "computeInstanceId", "nvlink", "computeProcesses", "graphicsProcesses", "processUtilization",
    "handleError", "errors", "confComputeMemSizeInfo", "energyConsumption", "pcieBytes", NULL};

static const char *const clock_keys[NVML_CLOCK_COUNT + 1] = {"graphics", "sm", "memory", "video",
                                                             NULL};

static int parse_device(lerr *e, const json_value *j, struct nvmlDevice_st *d, int is_mig,
                        const char *where) {
    if (j->type != JSON_OBJECT) return lfail(e, "%s: expected an object", where);
    if (!check_keys(e, j, where, device_keys)) return 0;
    int p = 0;
    char w[256];

    d->is_mig = is_mig;
    if (!get_str(e, j, "name", where, d->name, sizeof(d->name), &p)) return 0;
    if (p) SET_HAS(d, F_NAME);
    if (!get_str(e, j, "uuid", where, d->uuid, sizeof(d->uuid), &p)) return 0;
    if (p) SET_HAS(d, F_UUID);
    if (!get_str(e, j, "serial", where, d->serial, sizeof(d->serial), &p)) return 0;
    if (p) SET_HAS(d, F_SERIAL);

    const json_value *v;
    if ((v = json_get(j, "pci"))) {
        static const char *const keys[] = {"domain", "bus", "device", "pciDeviceId",
                                           "pciSubSystemId", NULL};
        wpath(w, sizeof(w), "%s.pci", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected an object with domain, bus, device, ...", w);
        if (!get_u32(e, v, "domain", w, &d->pci.domain, NULL) ||
            !get_u32(e, v, "bus", w, &d->pci.bus, NULL) ||
            !get_u32(e, v, "device", w, &d->pci.device, NULL) ||
            !get_u32(e, v, "pciDeviceId", w, &d->pci.pciDeviceId, NULL) ||
            !get_u32(e, v, "pciSubSystemId", w, &d->pci.pciSubSystemId, NULL))
            return 0;
        if (d->pci.bus > 0xFF || d->pci.device > 0x1F)
            return lfail(e, "%s: bus must be 0..0xFF and device 0..31", w);
        /* NVML_DEVICE_PCI_BUS_ID_FMT and NVML_DEVICE_PCI_BUS_ID_LEGACY_FMT */
        char tmp[64];
        snprintf(tmp, sizeof(tmp), "%08X:%02X:%02X.0", d->pci.domain, d->pci.bus, d->pci.device);
        memcpy(d->pci.busId, tmp, sizeof(d->pci.busId) - 1);
        snprintf(tmp, sizeof(tmp), "%04X:%02X:%02X.0", d->pci.domain, d->pci.bus, d->pci.device);
        memcpy(d->pci.busIdLegacy, tmp, sizeof(d->pci.busIdLegacy) - 1);
        SET_HAS(d, F_PCI);
    }
    if ((v = json_get(j, "memory"))) {
        static const char *const keys[] = {"total", "reserved", "used", NULL};
        wpath(w, sizeof(w), "%s.memory", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected an object {total, reserved, used}", w);
        if (!get_u64(e, v, "total", w, &d->mem_total, NULL) ||
            !get_u64(e, v, "reserved", w, &d->mem_reserved, NULL) ||
            !get_u64(e, v, "used", w, &d->mem_used, NULL))
            return 0;
        SET_HAS(d, F_MEMORY);
    }
    if ((v = json_get(j, "bar1"))) {
        static const char *const keys[] = {"total", "used", NULL};
        wpath(w, sizeof(w), "%s.bar1", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected an object {total, used}", w);
        if (!get_u64(e, v, "total", w, &d->bar1_total, NULL) ||
            !get_u64(e, v, "used", w, &d->bar1_used, NULL))
            return 0;
        SET_HAS(d, F_BAR1);
    }
    if ((v = json_get(j, "utilization"))) {
        static const char *const keys[] = {"gpu", "memory", NULL};
        wpath(w, sizeof(w), "%s.utilization", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected an object {gpu, memory}", w);
        if (!get_u32(e, v, "gpu", w, &d->util_gpu, NULL) ||
            !get_u32(e, v, "memory", w, &d->util_mem, NULL))
            return 0;
        SET_HAS(d, F_UTIL);
    }
    if ((v = json_get(j, "encoder"))) {
        wpath(w, sizeof(w), "%s.encoder", where);
        if (!parse_codec(e, v, w, &d->enc_util, &d->enc_period)) return 0;
        SET_HAS(d, F_ENCODER);
    }
    if ((v = json_get(j, "decoder"))) {
        wpath(w, sizeof(w), "%s.decoder", where);
        if (!parse_codec(e, v, w, &d->dec_util, &d->dec_period)) return 0;
        SET_HAS(d, F_DECODER);
    }
    for (int which = 0; which < 2; which++) {
        const char *key = which ? "maxClocks" : "clocks";
        if (!(v = json_get(j, key))) continue;
        wpath(w, sizeof(w), "%s.%s", where, key);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, clock_keys))
            return lfail(e, "%s: expected an object {graphics, sm, memory, video}", w);
        for (int c = 0; c < NVML_CLOCK_COUNT; c++) {
            unsigned int *dst = which ? &d->max_clocks[c] : &d->clocks[c];
            if (!get_u32(e, v, clock_keys[c], w, dst, &p)) return 0;
            if (p) SET_HAS(d, (which ? F_MAXCLOCK0 : F_CLOCK0) + c);
        }
    }
    if (!get_u32(e, j, "fanSpeed", where, &d->fan, &p)) return 0;
    if (p) SET_HAS(d, F_FAN);
    if (!get_i32(e, j, "temperature", where, &d->temp, &p)) return 0;
    if (p) SET_HAS(d, F_TEMP);
    if (!get_u32(e, j, "powerUsage", where, &d->power, &p)) return 0;
    if (p) SET_HAS(d, F_POWER);
    if (!get_u32(e, j, "powerLimit", where, &d->power_limit, &p)) return 0;
    if (p) SET_HAS(d, F_POWER_LIMIT);
    if (!get_u32(e, j, "enforcedPowerLimit", where, &d->enforced_limit, &p)) return 0;
    if (p) SET_HAS(d, F_ENFORCED_LIMIT);
    if ((v = json_get(j, "pcie"))) {
        static const char *const keys[] = {"tx", "rx", NULL};
        wpath(w, sizeof(w), "%s.pcie", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected an object {tx, rx}", w);
        if (!get_u32(e, v, "tx", w, &d->pcie[0], &p)) return 0;
        if (p) SET_HAS(d, F_PCIE_TX);
        if (!get_u32(e, v, "rx", w, &d->pcie[1], &p)) return 0;
        if (p) SET_HAS(d, F_PCIE_RX);
    }
    if ((v = json_get(j, "pcieBytes"))) {
        static const char *const keys[] = {"tx", "rx", NULL};
        wpath(w, sizeof(w), "%s.pcieBytes", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected an object {tx, rx}", w);
        if (!get_u64(e, v, "tx", w, &d->pcie_bytes[0], &p)) return 0;
        if (p) SET_HAS(d, F_PCIE_BYTES_TX);
        if (!get_u64(e, v, "rx", w, &d->pcie_bytes[1], &p)) return 0;
        if (p) SET_HAS(d, F_PCIE_BYTES_RX);
    }
    if (!get_u64(e, j, "energyConsumption", where, &d->energy_mj, &p)) return 0;
    if (p) SET_HAS(d, F_ENERGY);
    if (!get_i32(e, j, "displayActive", where, &d->display_active, &p)) return 0;
    if (p) SET_HAS(d, F_DISPLAY_ACTIVE);
    if (!get_i32(e, j, "displayMode", where, &d->display_mode, &p)) return 0;
    if (p) SET_HAS(d, F_DISPLAY_MODE);
    if (!get_i32(e, j, "persistenceMode", where, &d->persistence, &p)) return 0;
    if (p) SET_HAS(d, F_PERSISTENCE);
    if (!get_i32(e, j, "performanceState", where, &d->pstate, &p)) return 0;
    if (p) SET_HAS(d, F_PSTATE);
    if (!get_u64(e, j, "eccVolatileUncorrected", where, &d->ecc[1][0], &p)) return 0;
    if (p) SET_HAS(d, F_ECC_UNCORR_VOL);
    if (!get_u64(e, j, "eccAggregateUncorrected", where, &d->ecc[1][1], &p)) return 0;
    if (p) SET_HAS(d, F_ECC_UNCORR_AGG);
    if (!get_u64(e, j, "eccVolatileCorrected", where, &d->ecc[0][0], &p)) return 0;
    if (p) SET_HAS(d, F_ECC_CORR_VOL);
    if (!get_u64(e, j, "eccAggregateCorrected", where, &d->ecc[0][1], &p)) return 0;
    if (p) SET_HAS(d, F_ECC_CORR_AGG);
    if (!get_i32(e, j, "computeMode", where, &d->compute_mode, &p)) return 0;
    if (p) SET_HAS(d, F_COMPUTE_MODE);
    if ((v = json_get(j, "cudaComputeCapability"))) {
        unsigned long long u;
        int neg;
        wpath(w, sizeof(w), "%s.cudaComputeCapability", where);
        if (v->type != JSON_ARRAY || json_size(v) != 2) return lfail(e, "%s: expected [major, minor]", w);
        if (!as_int_range(e, json_at(v, 0), w, 0, INT_MAX, &u, &neg)) return 0;
        d->cc_major = (int)u;
        if (!as_int_range(e, json_at(v, 1), w, 0, INT_MAX, &u, &neg)) return 0;
        d->cc_minor = (int)u;
        SET_HAS(d, F_CUDA_CC);
    }
    if ((v = json_get(j, "driverModel"))) {
        wpath(w, sizeof(w), "%s.driverModel", where);
        if (v->type == JSON_OBJECT) {
            static const char *const keys[] = {"current", "pending", NULL};
            d->driver_model_pending = -1;
            if (!check_keys(e, v, w, keys) ||
                !get_i32(e, v, "current", w, &d->driver_model_current, NULL) ||
                !get_i32(e, v, "pending", w, &d->driver_model_pending, &p))
                return 0;
            if (!p) d->driver_model_pending = d->driver_model_current;
        } else {
            if (!get_i32(e, j, "driverModel", where, &d->driver_model_current, NULL)) return 0;
            d->driver_model_pending = d->driver_model_current;
        }
        SET_HAS(d, F_DRIVER_MODEL);
    }
    if ((v = json_get(j, "migMode"))) {
        wpath(w, sizeof(w), "%s.migMode", where);
        if (v->type == JSON_OBJECT) {
            static const char *const keys[] = {"current", "pending", NULL};
            if (!check_keys(e, v, w, keys) || !get_u32(e, v, "current", w, &d->mig_current, NULL))
                return 0;
            d->mig_pending = d->mig_current;
            if (!get_u32(e, v, "pending", w, &d->mig_pending, NULL)) return 0;
        } else {
            if (!get_u32(e, j, "migMode", where, &d->mig_current, NULL)) return 0;
            d->mig_pending = d->mig_current;
        }
        SET_HAS(d, F_MIG_MODE);
    }
    if (!get_u32(e, j, "maxMigDeviceCount", where, &d->max_mig, &p)) return 0;
    if (p) SET_HAS(d, F_MAX_MIG);
    if (!get_u32(e, j, "gpuInstanceId", where, &d->gi, &p)) return 0;
    if (p) SET_HAS(d, F_GI);
    if (!get_u32(e, j, "computeInstanceId", where, &d->ci, &p)) return 0;
    if (p) SET_HAS(d, F_CI);
    if ((v = json_get(j, "confComputeMemSizeInfo"))) {
        static const char *const keys[] = {"protectedMemSizeKib", "unprotectedMemSizeKib", NULL};
        wpath(w, sizeof(w), "%s.confComputeMemSizeInfo", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys) ||
            !get_u64(e, v, "protectedMemSizeKib", w, &d->conf_protected_kib, NULL) ||
            !get_u64(e, v, "unprotectedMemSizeKib", w, &d->conf_unprotected_kib, NULL))
            return lfail(e, "%s: expected {protectedMemSizeKib, unprotectedMemSizeKib}", w);
        SET_HAS(d, F_CONF_COMPUTE);
    }
    if ((v = json_get(j, "nvlink"))) {
        static const char *const keys[] = {"linkCount", "txRateKiBps", "rxRateKiBps", NULL};
        wpath(w, sizeof(w), "%s.nvlink", where);
        if (v->type != JSON_OBJECT || !check_keys(e, v, w, keys))
            return lfail(e, "%s: expected {linkCount, txRateKiBps, rxRateKiBps}", w);
        if (!get_u32(e, v, "linkCount", w, &d->nvlink_count, &p)) return 0;
        if (!p || d->nvlink_count > NVML_NVLINK_MAX_LINKS)
            return lfail(e, "%s.linkCount: expected 0..%d", w, NVML_NVLINK_MAX_LINKS);
        char wr[300];
        wpath(wr, sizeof(wr), "%s.txRateKiBps", w);
        if (!parse_rates(e, json_get(v, "txRateKiBps"), wr, d->nvlink_count, d->tx_rate)) return 0;
        wpath(wr, sizeof(wr), "%s.rxRateKiBps", w);
        if (!parse_rates(e, json_get(v, "rxRateKiBps"), wr, d->nvlink_count, d->rx_rate)) return 0;
        SET_HAS(d, F_NVLINK);
    }
    unsigned int def_gi = NVML_INVALID_INSTANCE_ID, def_ci = NVML_INVALID_INSTANCE_ID;
    if (is_mig) {
        if (HAS(d, F_GI)) def_gi = d->gi;
        if (HAS(d, F_CI)) def_ci = d->ci;
    }
    if ((v = json_get(j, "computeProcesses"))) {
        wpath(w, sizeof(w), "%s.computeProcesses", where);
        if (!parse_procs(e, v, w, def_gi, def_ci, &d->compute, &d->ncompute)) return 0;
        SET_HAS(d, F_COMPUTE_PROCS);
    }
    if ((v = json_get(j, "graphicsProcesses"))) {
        wpath(w, sizeof(w), "%s.graphicsProcesses", where);
        if (!parse_procs(e, v, w, def_gi, def_ci, &d->graphics, &d->ngraphics)) return 0;
        SET_HAS(d, F_GRAPHICS_PROCS);
    }
    if ((v = json_get(j, "processUtilization"))) {
        wpath(w, sizeof(w), "%s.processUtilization", where);
        if (!parse_samples(e, v, w, &d->samples, &d->nsamples)) return 0;
        SET_HAS(d, F_PROC_UTIL);
    }
    if ((v = json_get(j, "handleError"))) {
        wpath(w, sizeof(w), "%s.handleError", where);
        if (is_mig) return lfail(e, "%s: only physical GPUs have a handleError", w);
        if (!parse_code(e, v, w, &d->handle_error)) return 0;
    }
    if (!parse_errors(e, json_get(j, "errors"), where, d->err, &d->err_star, 1,
                      (1 << FC_DEV) | (is_mig ? 0 : (1 << FC_LOOKUP))))
        return 0;
    if (is_mig && json_get(j, "migDevices")) return lfail(e, "%s: MIG devices cannot nest", where);
    return 1;
}

/* Append the MIG children's processes to a MIG-enabled parent's lists (NVML aggregates them). */
static int aggregate(lerr *e, struct fproc **list, unsigned int *n, const struct nvmlDevice_st *migs,
                     unsigned int nmig, int graphics) {
    unsigned int total = *n;
    for (unsigned int m = 0; m < nmig; m++) total += graphics ? migs[m].ngraphics : migs[m].ncompute;
    if (total == *n) return 1;
    struct fproc *p = realloc(*list, total * sizeof(*p));
    if (!p) return lfail(e, "out of memory");
    unsigned int k = *n;
    for (unsigned int m = 0; m < nmig; m++) {
        unsigned int c = graphics ? migs[m].ngraphics : migs[m].ncompute;
        const struct fproc *src = graphics ? migs[m].graphics : migs[m].compute;
        if (c) memcpy(p + k, src, c * sizeof(*p));
        k += c;
    }
    *list = p;
    *n = total;
    return 1;
}

static const char *const top_keys[] = {"driverVersion", "nvmlVersion", "cudaDriverVersion",
                                       "initError", "processInfoV3Stride", "missingSymbols",
                                       "pcieSampleDelayMs", "errors", "devices", "description",
                                       NULL};

struct staging {
    struct scenario scn;
    struct nvmlDevice_st *phys;             /* [ndev] */
    struct nvmlDevice_st (*mig)[MAX_MIG];   /* [ndev][MAX_MIG] */
};

static void staging_free(struct staging *s) {
    if (s->phys) {
        for (unsigned int i = 0; i < s->scn.ndev; i++) {
            free_device_lists(&s->phys[i]);
            for (unsigned int m = 0; m < MAX_MIG; m++) free_device_lists(&s->mig[i][m]);
        }
    }
    free(s->phys);
    free(s->mig);
    s->phys = NULL;
    s->mig = NULL;
}

static int parse_scenario(lerr *e, const json_value *root, struct staging *s) {
    memset(s, 0, sizeof(*s));
    if (root->type != JSON_OBJECT) return lfail(e, "the scenario must be a JSON object");
    if (!check_keys(e, root, "scenario", top_keys)) return 0;
    struct scenario *c = &s->scn;
    snprintf(c->driver_version, sizeof(c->driver_version), "%s", "560.35.03");
    snprintf(c->nvml_version, sizeof(c->nvml_version), "%s", "12.560.35.03");
    c->cuda_version = 12060;
    c->v3_stride = 24;
    if (!get_str(e, root, "driverVersion", "scenario", c->driver_version,
                 sizeof(c->driver_version), NULL) ||
        !get_str(e, root, "nvmlVersion", "scenario", c->nvml_version, sizeof(c->nvml_version),
                 NULL) ||
        !get_i32(e, root, "cudaDriverVersion", "scenario", &c->cuda_version, NULL) ||
        !get_u32(e, root, "processInfoV3Stride", "scenario", &c->v3_stride, NULL) ||
        !get_u32(e, root, "pcieSampleDelayMs", "scenario", &c->pcie_delay_ms, NULL))
        return 0;
    if (c->v3_stride != 24 && c->v3_stride != 32)
        return lfail(e, "scenario.processInfoV3Stride: must be 24 or 32");
    const json_value *v = json_get(root, "initError");
    if (v && !parse_code(e, v, "scenario.initError", &c->init_error)) return 0;
    v = json_get(root, "missingSymbols"); /* used by the build helper, ignored here */
    if (v && v->type != JSON_ARRAY) return lfail(e, "scenario.missingSymbols: expected an array");
    int dummy = 0;
    if (!parse_errors(e, json_get(root, "errors"), "scenario", c->sys_err, &dummy, 0, 1 << FC_SYS))
        return 0;

    const json_value *devs = json_get(root, "devices");
    if (devs && devs->type != JSON_ARRAY) return lfail(e, "scenario.devices: expected an array");
    size_t n = json_size(devs);
    if (n > MAX_DEVICES) return lfail(e, "scenario.devices: at most %d devices", MAX_DEVICES);
    c->ndev = (unsigned int)n;
    if (n == 0) return 1;
    s->phys = calloc(n, sizeof(*s->phys));
    s->mig = calloc(n, sizeof(*s->mig));
    if (!s->phys || !s->mig) return lfail(e, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char w[64];
        wpath(w, sizeof(w), "devices[%zu]", i);
        struct nvmlDevice_st *d = &s->phys[i];
        d->index = (unsigned int)i;
        const json_value *dj = json_at(devs, i);
        if (!parse_device(e, dj, d, 0, w)) return 0;
        const json_value *migs = json_get(dj, "migDevices");
        if (!migs) continue;
        char wm[96];
        wpath(wm, sizeof(wm), "%s.migDevices", w);
        if (migs->type != JSON_ARRAY) return lfail(e, "%s: expected an array", wm);
        if (json_size(migs) > MAX_MIG) return lfail(e, "%s: at most %d MIG devices", wm, MAX_MIG);
        d->nmig = (unsigned int)json_size(migs);
        for (unsigned int m = 0; m < d->nmig; m++) {
            char wmi[128];
            wpath(wmi, sizeof(wmi), "%s[%u]", wm, m);
            struct nvmlDevice_st *md = &s->mig[i][m];
            md->index = m;
            if (!parse_device(e, json_at(migs, m), md, 1, wmi)) return 0;
            if (!HAS(md, F_PCI) && HAS(d, F_PCI)) {
                md->pci = d->pci; /* a MIG device sits on its parent's PCI function */
                SET_HAS(md, F_PCI);
            }
        }
        if (d->nmig) {
            if (!aggregate(e, &d->compute, &d->ncompute, s->mig[i], d->nmig, 0) ||
                !aggregate(e, &d->graphics, &d->ngraphics, s->mig[i], d->nmig, 1))
                return 0;
            for (unsigned int m = 0; m < d->nmig; m++) {
                if (HAS(&s->mig[i][m], F_COMPUTE_PROCS)) SET_HAS(d, F_COMPUTE_PROCS);
                if (HAS(&s->mig[i][m], F_GRAPHICS_PROCS)) SET_HAS(d, F_GRAPHICS_PROCS);
            }
        }
    }
    return 1;
}

static double nvl_counter(const struct nvmlDevice_st *d, int rx, unsigned int link,
                          unsigned long long now) {
    double dt = now > d->nvl_t0_us ? (double)(now - d->nvl_t0_us) / 1e6 : 0.0;
    return (rx ? d->rx_base[link] : d->tx_base[link]) + (rx ? d->rx_rate[link] : d->tx_rate[link]) * dt;
}

/* Move a parsed scenario into the static handle slots (caller holds the lock). */
static void commit(struct staging *s) {
    unsigned long long now = real_us();
    unsigned int old_n = g_loaded ? g_scn.ndev : 0;
    unsigned int max_n = old_n > s->scn.ndev ? old_n : s->scn.ndev;
    for (unsigned int i = 0; i < max_n; i++) {
        struct nvmlDevice_st *d = &g_phys[i];
        double tx[NVML_NVLINK_MAX_LINKS] = {0}, rx[NVML_NVLINK_MAX_LINKS] = {0};
        for (unsigned int l = 0; d->present && HAS(d, F_NVLINK) && l < d->nvlink_count; l++) {
            tx[l] = nvl_counter(d, 0, l, now);
            rx[l] = nvl_counter(d, 1, l, now);
        }
        free_device_lists(d);
        for (unsigned int m = 0; m < MAX_MIG; m++) {
            free_device_lists(&g_mig[i][m]);
            memset(&g_mig[i][m], 0, sizeof(g_mig[i][m]));
        }
        memset(d, 0, sizeof(*d));
        if (i < s->scn.ndev) {
            *d = s->phys[i];
            memset(&s->phys[i], 0, sizeof(s->phys[i])); /* lists now owned by the slot */
            d->present = 1;
            for (unsigned int m = 0; m < d->nmig; m++) {
                g_mig[i][m] = s->mig[i][m];
                memset(&s->mig[i][m], 0, sizeof(s->mig[i][m]));
                g_mig[i][m].present = 1;
                g_mig[i][m].parent = d;
            }
        }
        memcpy(d->tx_base, tx, sizeof(tx));
        memcpy(d->rx_base, rx, sizeof(rx));
        d->nvl_t0_us = now;
    }
    g_scn = s->scn;
    g_loaded = 1;
    staging_free(s);
}

static char *read_file(const char *path, size_t *len, lerr *e) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        lfail(e, "cannot open scenario '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        cap *= 2;
        char *nb = realloc(buf, cap);
        if (!nb) {
            free(buf);
            buf = NULL;
        } else {
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        lfail(e, "out of memory reading '%s'", path);
        return NULL;
    }
    if (bad) {
        free(buf);
        lfail(e, "cannot read scenario '%s'", path);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Load `path` into the live state. Returns 1 on success; on failure keeps the old scenario and
 * writes the reason into e. Caller holds the lock. */
static int load_path(const char *path, lerr *e) {
    struct stat st;
    if (stat(path, &st) != 0) return lfail(e, "cannot open scenario '%s': %s", path, strerror(errno));
    size_t len = 0;
    char *text = read_file(path, &len, e);
    if (!text) return 0;
    char perr[256];
    json_value *root = json_parse(text, len, perr, sizeof(perr));
    free(text);
    if (!root) return lfail(e, "invalid JSON in scenario '%s': %s", path, perr);
    struct staging s;
    int ok = parse_scenario(e, root, &s);
    json_free(root);
    if (!ok) {
        char msg[sizeof(e->msg)];
        snprintf(msg, sizeof(msg), "%s", e->msg);
        staging_free(&s);
        e->failed = 0;
        return lfail(e, "invalid scenario '%s': %s", path, msg);
    }
    commit(&s);
    if (path != g_path) snprintf(g_path, sizeof(g_path), "%s", path);
    g_mtime = st.st_mtim;
    g_size = st.st_size;
    g_ino = st.st_ino;
    g_last_check_ns = mono_ns();
    g_bad_mtime_ns = 0;
    return 1;
}

/* The throttled mtime check, done on every call while initialized. */
static inline void maybe_reload(void) {
    unsigned long long now = mono_ns();
    if (now - g_last_check_ns < RELOAD_INTERVAL_NS) return;
    g_last_check_ns = now;
    if (!g_path[0]) return;
    struct stat st;
    if (stat(g_path, &st) != 0) return; /* gone for a moment (being replaced): keep the old one */
    if (st.st_mtim.tv_sec == g_mtime.tv_sec && st.st_mtim.tv_nsec == g_mtime.tv_nsec &&
        st.st_size == g_size && st.st_ino == g_ino)
        return;
    lerr e = {{0}, 0};
    if (!load_path(g_path, &e)) {
        unsigned long long stamp =
            (unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec;
        if (stamp != g_bad_mtime_ns) {
            fprintf(stderr, "fake-nvml: %s (keeping the previous scenario)\n", e.msg);
            g_bad_mtime_ns = stamp;
        }
        g_last_check_ns = now;
    }
}

/* ============================================================================================
 * Call counts
 * ========================================================================================== */

static int write_counts(const char *path) {
    if (!path || !path[0]) return -1;
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fputs("{", f);
    int first = 1;
    for (int i = 0; i < FN_COUNT; i++) {
        if (!g_counts[i]) continue;
        fprintf(f, "%s\n  \"%s\": %llu", first ? "" : ",", fn_names[i], g_counts[i]);
        first = 0;
    }
    fputs(first ? "}\n" : "\n}\n", f);
    if (fclose(f) != 0) {
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void write_counts_env(void) {
    const char *p = getenv("NVITOP_FAKE_NVML_COUNTS");
    if (p && p[0]) write_counts(p);
}

__attribute__((destructor)) static void fake_nvml_fini(void) { write_counts_env(); }

/* ============================================================================================
 * Call prologues
 * ========================================================================================== */

#define LOCK() pthread_mutex_lock(&g_lock)
#define UNLOCK() pthread_mutex_unlock(&g_lock)
#define RETURN(x)                                                                                   \
    do {                                                                                            \
        nvmlReturn_t ret_ = (x);                                                                    \
        UNLOCK();                                                                                   \
        return ret_;                                                                                \
    } while (0)

/* System call: counted, initialized, scenario fresh, top-level "errors". */
#define SYS_CALL(sym)                                                                               \
    LOCK();                                                                                         \
    g_counts[FN_##sym]++;                                                                           \
    if (!g_init_count) RETURN(NVML_ERROR_UNINITIALIZED);                                            \
    maybe_reload();                                                                                 \
    if (g_scn.sys_err[FN_##sym]) RETURN(g_scn.sys_err[FN_##sym])

/* Resolve a handle to a live device slot; 0 when it is not one of ours. */
static nvmlReturn_t resolve(nvmlDevice_t h, struct nvmlDevice_st **out) {
    uintptr_t p = (uintptr_t)h;
    uintptr_t b = (uintptr_t)&g_phys[0];
    if (p >= b && p < b + sizeof(g_phys) && (p - b) % sizeof(g_phys[0]) == 0) {
        if (!h->present) return NVML_ERROR_GPU_IS_LOST; /* removed by a scenario reload */
        *out = h;
        return NVML_SUCCESS;
    }
    b = (uintptr_t)&g_mig[0][0];
    if (p >= b && p < b + sizeof(g_mig) && (p - b) % sizeof(g_mig[0][0]) == 0) {
        if (!h->present) return NVML_ERROR_INVALID_ARGUMENT; /* MIG instance destroyed */
        *out = h;
        return NVML_SUCCESS;
    }
    return NVML_ERROR_INVALID_ARGUMENT;
}

static inline int injected(const struct nvmlDevice_st *d, int fn) {
    int e = d->err[fn];
    if (!e) e = d->err_star;
    if (!e && d->is_mig && d->parent) e = d->parent->err_star;
    return e;
}

/* Device call: counted, initialized, scenario fresh, valid handle, the device's "errors". */
#define DEV_CALL(sym, handle)                                                                       \
    struct nvmlDevice_st *d = NULL;                                                                 \
    LOCK();                                                                                         \
    g_counts[FN_##sym]++;                                                                           \
    if (!g_init_count) RETURN(NVML_ERROR_UNINITIALIZED);                                            \
    maybe_reload();                                                                                 \
    {                                                                                               \
        nvmlReturn_t r_ = resolve((handle), &d);                                                    \
        if (r_) RETURN(r_);                                                                         \
        int e_ = injected(d, FN_##sym);                                                             \
        if (e_) RETURN(e_);                                                                         \
    }

#define NEED(f)                                                                                     \
    if (!HAS(d, (f))) RETURN(NVML_ERROR_NOT_SUPPORTED)

static inline int mig_enabled(const struct nvmlDevice_st *d) {
    return !d->is_mig && HAS(d, F_MIG_MODE) && d->mig_current == NVML_DEVICE_MIG_ENABLE;
}

/* ============================================================================================
 * Lifecycle
 * ========================================================================================== */

static nvmlReturn_t do_init(int fn, int legacy) {
    LOCK();
    g_counts[fn]++;
    if (g_init_count) {
        g_init_count++;
        maybe_reload();
        RETURN(NVML_SUCCESS);
    }
    if (!g_path_override) {
        const char *env = getenv("NVITOP_FAKE_NVML_SCENARIO");
        if (!env || !env[0]) {
            fprintf(stderr, "fake-nvml: NVITOP_FAKE_NVML_SCENARIO is not set; nvmlInit fails\n");
            RETURN(NVML_ERROR_UNKNOWN);
        }
        snprintf(g_path, sizeof(g_path), "%s", env);
    }
    lerr e = {{0}, 0};
    if (!load_path(g_path, &e)) {
        fprintf(stderr, "fake-nvml: %s\n", e.msg);
        RETURN(NVML_ERROR_UNKNOWN);
    }
    if (g_scn.init_error) RETURN(g_scn.init_error);
    if (legacy) {
        /* nvmlInit (v1) attaches every GPU and fails if any of them is bad. */
        for (unsigned int i = 0; i < g_scn.ndev; i++)
            if (g_phys[i].handle_error) RETURN(g_phys[i].handle_error);
    }
    g_init_count = 1;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlInit(void) { return do_init(FN_nvmlInit, 1); }
EXPORT nvmlReturn_t nvmlInit_v2(void) { return do_init(FN_nvmlInit_v2, 0); }
EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
    (void)flags; /* NO_GPUS / NO_ATTACH / FORCE_INIT: zero GPUs never fails here */
    return do_init(FN_nvmlInitWithFlags, 0);
}

EXPORT nvmlReturn_t nvmlShutdown(void) {
    LOCK();
    g_counts[FN_nvmlShutdown]++;
    nvmlReturn_t r = NVML_SUCCESS;
    if (!g_init_count)
        r = NVML_ERROR_UNINITIALIZED;
    else
        g_init_count--;
    write_counts_env();
    RETURN(r);
}

EXPORT const char *nvmlErrorString(nvmlReturn_t result) {
    LOCK();
    g_counts[FN_nvmlErrorString]++;
    UNLOCK();
    for (size_t i = 0; i < N_ERRORS; i++)
        if (g_errors[i].code == result) return g_errors[i].string;
    return "Unknown Error";
}

/* ============================================================================================
 * System queries and enumeration
 * ========================================================================================== */

EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    SYS_CALL(nvmlSystemGetDriverVersion);
    RETURN(copy_string(version, length, g_scn.driver_version));
}

EXPORT nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
    SYS_CALL(nvmlSystemGetNVMLVersion);
    RETURN(copy_string(version, length, g_scn.nvml_version));
}

EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *cudaDriverVersion) {
    SYS_CALL(nvmlSystemGetCudaDriverVersion);
    if (!cudaDriverVersion) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    *cudaDriverVersion = g_scn.cuda_version;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion) {
    SYS_CALL(nvmlSystemGetCudaDriverVersion_v2);
    if (!cudaDriverVersion) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    *cudaDriverVersion = g_scn.cuda_version;
    RETURN(NVML_SUCCESS);
}

/* The legacy count (and index space) leaves out GPUs the caller may not access. */
static int legacy_visible(const struct nvmlDevice_st *d) {
    return d->handle_error != NVML_ERROR_NO_PERMISSION;
}

EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int *deviceCount) {
    SYS_CALL(nvmlDeviceGetCount);
    if (!deviceCount) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    unsigned int n = 0;
    for (unsigned int i = 0; i < g_scn.ndev; i++) n += (unsigned int)legacy_visible(&g_phys[i]);
    *deviceCount = n;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount) {
    SYS_CALL(nvmlDeviceGetCount_v2);
    if (!deviceCount) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    *deviceCount = g_scn.ndev;
    RETURN(NVML_SUCCESS);
}

/* Hand out a physical handle, honouring the device's handleError and lookup "errors". */
static nvmlReturn_t give_handle(struct nvmlDevice_st *d, int fn, nvmlDevice_t *out) {
    if (d->err[fn]) return d->err[fn];
    if (d->handle_error) return d->handle_error;
    *out = d;
    return NVML_SUCCESS;
}

#define LOOKUP_CALL(sym)                                                                            \
    LOCK();                                                                                         \
    g_counts[FN_##sym]++;                                                                           \
    if (!g_init_count) RETURN(NVML_ERROR_UNINITIALIZED);                                            \
    maybe_reload()

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    LOOKUP_CALL(nvmlDeviceGetHandleByIndex_v2);
    if (!device || index >= g_scn.ndev) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    RETURN(give_handle(&g_phys[index], FN_nvmlDeviceGetHandleByIndex_v2, device));
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device) {
    LOOKUP_CALL(nvmlDeviceGetHandleByIndex);
    if (!device) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    unsigned int k = 0;
    for (unsigned int i = 0; i < g_scn.ndev; i++) {
        if (!legacy_visible(&g_phys[i])) continue;
        if (k++ == index) RETURN(give_handle(&g_phys[i], FN_nvmlDeviceGetHandleByIndex, device));
    }
    RETURN(NVML_ERROR_INVALID_ARGUMENT);
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device) {
    LOOKUP_CALL(nvmlDeviceGetHandleByUUID);
    if (!uuid || !device) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    for (unsigned int i = 0; i < g_scn.ndev; i++) {
        struct nvmlDevice_st *d = &g_phys[i];
        if (HAS(d, F_UUID) && strcmp(d->uuid, uuid) == 0)
            RETURN(give_handle(d, FN_nvmlDeviceGetHandleByUUID, device));
        for (unsigned int m = 0; m < d->nmig; m++) {
            struct nvmlDevice_st *md = &g_mig[i][m];
            if (HAS(md, F_UUID) && strcmp(md->uuid, uuid) == 0) {
                if (d->handle_error) RETURN(d->handle_error);
                if (md->err[FN_nvmlDeviceGetHandleByUUID]) RETURN(md->err[FN_nvmlDeviceGetHandleByUUID]);
                *device = md;
                RETURN(NVML_SUCCESS);
            }
        }
    }
    RETURN(NVML_ERROR_NOT_FOUND);
}

static nvmlReturn_t by_bus_id(const char *id, nvmlDevice_t *device, int fn) {
    if (!id || !device) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned int dom = 0, bus = 0, dev = 0, func = 0;
    int used = -1;
    if (sscanf(id, "%x:%x:%x.%x%n", &dom, &bus, &dev, &func, &used) != 4 || id[used] != '\0') {
        used = -1;
        dom = 0;
        if (sscanf(id, "%x:%x.%x%n", &bus, &dev, &func, &used) != 3 || id[used] != '\0')
            return NVML_ERROR_INVALID_ARGUMENT;
    }
    for (unsigned int i = 0; i < g_scn.ndev; i++) {
        struct nvmlDevice_st *d = &g_phys[i];
        if (HAS(d, F_PCI) && d->pci.domain == dom && d->pci.bus == bus && d->pci.device == dev &&
            func == 0)
            return give_handle(d, fn, device);
    }
    return NVML_ERROR_NOT_FOUND;
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *pciBusId, nvmlDevice_t *device) {
    LOOKUP_CALL(nvmlDeviceGetHandleByPciBusId_v2);
    RETURN(by_bus_id(pciBusId, device, FN_nvmlDeviceGetHandleByPciBusId_v2));
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char *pciBusId, nvmlDevice_t *device) {
    LOOKUP_CALL(nvmlDeviceGetHandleByPciBusId);
    RETURN(by_bus_id(pciBusId, device, FN_nvmlDeviceGetHandleByPciBusId));
}

/* ============================================================================================
 * Identity, PCI, memory
 * ========================================================================================== */

EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index) {
    DEV_CALL(nvmlDeviceGetIndex, device);
    if (!index) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (d->is_mig) RETURN(NVML_ERROR_NOT_SUPPORTED);
    *index = d->index;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    DEV_CALL(nvmlDeviceGetName, device);
    if (!name) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_NAME);
    RETURN(copy_string(name, length, d->name));
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    DEV_CALL(nvmlDeviceGetUUID, device);
    if (!uuid) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_UUID);
    RETURN(copy_string(uuid, length, d->uuid));
}

EXPORT nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length) {
    DEV_CALL(nvmlDeviceGetSerial, device);
    if (!serial) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_SERIAL);
    RETURN(copy_string(serial, length, d->serial));
}

EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEV_CALL(nvmlDeviceGetPciInfo_v3, device);
    if (!pci) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_PCI);
    *pci = d->pci;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEV_CALL(nvmlDeviceGetPciInfo_v2, device);
    if (!pci) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_PCI);
    *pci = d->pci;
    RETURN(NVML_SUCCESS);
}

/* The v1 symbol predates busId[32]: its struct was busId[16], the four ids, pciSubSystemId and
 * four reserved words (52 bytes). Write that prefix only (reserved words zeroed, which reads as an
 * empty busId through today's 68-byte nvmlPciInfo_t), never past byte 52. */
EXPORT nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEV_CALL(nvmlDeviceGetPciInfo, device);
    if (!pci) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_PCI);
    unsigned char *out = (unsigned char *)pci;
    memcpy(out, &d->pci, offsetof(nvmlPciInfo_t, busId));
    memset(out + offsetof(nvmlPciInfo_t, busId), 0, 16);
    RETURN(NVML_SUCCESS);
}

static unsigned long long mem_free(const struct nvmlDevice_st *d) {
    unsigned long long taken = d->mem_reserved + d->mem_used;
    return taken >= d->mem_total ? 0 : d->mem_total - taken;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    DEV_CALL(nvmlDeviceGetMemoryInfo, device);
    if (!memory) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_MEMORY);
    memory->total = d->mem_total;
    memory->free = mem_free(d);
    memory->used = d->mem_used + d->mem_reserved; /* v1 "used" = reserved + allocated */
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    DEV_CALL(nvmlDeviceGetMemoryInfo_v2, device);
    if (!memory) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (memory->version != nvmlMemory_v2) RETURN(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    NEED(F_MEMORY);
    memory->total = d->mem_total;
    memory->reserved = d->mem_reserved;
    memory->free = mem_free(d);
    memory->used = d->mem_used;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetBAR1MemoryInfo(nvmlDevice_t device, nvmlBAR1Memory_t *bar1Memory) {
    DEV_CALL(nvmlDeviceGetBAR1MemoryInfo, device);
    if (!bar1Memory) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_BAR1);
    bar1Memory->bar1Total = d->bar1_total;
    bar1Memory->bar1Used = d->bar1_used;
    bar1Memory->bar1Free = d->bar1_used >= d->bar1_total ? 0 : d->bar1_total - d->bar1_used;
    RETURN(NVML_SUCCESS);
}

/* ============================================================================================
 * Utilization, sensors, clocks, power, PCIe
 * ========================================================================================== */

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    DEV_CALL(nvmlDeviceGetUtilizationRates, device);
    if (!utilization) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (mig_enabled(d)) RETURN(NVML_ERROR_NOT_SUPPORTED);
    NEED(F_UTIL);
    utilization->gpu = d->util_gpu;
    utilization->memory = d->util_mem;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned int *utilization,
                                                    unsigned int *samplingPeriodUs) {
    DEV_CALL(nvmlDeviceGetEncoderUtilization, device);
    if (!utilization || !samplingPeriodUs) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (mig_enabled(d)) RETURN(NVML_ERROR_NOT_SUPPORTED);
    NEED(F_ENCODER);
    *utilization = d->enc_util;
    *samplingPeriodUs = d->enc_period;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned int *utilization,
                                                    unsigned int *samplingPeriodUs) {
    DEV_CALL(nvmlDeviceGetDecoderUtilization, device);
    if (!utilization || !samplingPeriodUs) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (mig_enabled(d)) RETURN(NVML_ERROR_NOT_SUPPORTED);
    NEED(F_DECODER);
    *utilization = d->dec_util;
    *samplingPeriodUs = d->dec_period;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock) {
    DEV_CALL(nvmlDeviceGetClockInfo, device);
    if (!clock || type < 0 || type >= NVML_CLOCK_COUNT) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_CLOCK0 + type);
    *clock = d->clocks[type];
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock) {
    DEV_CALL(nvmlDeviceGetMaxClockInfo, device);
    if (!clock || type < 0 || type >= NVML_CLOCK_COUNT) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_MAXCLOCK0 + type);
    *clock = d->max_clocks[type];
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed) {
    DEV_CALL(nvmlDeviceGetFanSpeed, device);
    if (!speed) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_FAN);
    *speed = d->fan;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType,
                                             unsigned int *temp) {
    DEV_CALL(nvmlDeviceGetTemperature, device);
    if (!temp || sensorType != 0) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_TEMP);
    *temp = (unsigned int)d->temp;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_v1_t *temperature) {
    DEV_CALL(nvmlDeviceGetTemperatureV, device);
    if (!temperature) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (temperature->version != nvmlTemperature_v1) RETURN(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    if (temperature->sensorType != 0) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_TEMP);
    temperature->temperature = d->temp;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    DEV_CALL(nvmlDeviceGetPowerUsage, device);
    if (!power) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_POWER);
    *power = d->power;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit) {
    DEV_CALL(nvmlDeviceGetPowerManagementLimit, device);
    if (!limit) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_POWER_LIMIT);
    *limit = d->power_limit;
    RETURN(NVML_SUCCESS);
}

/* enforcedPowerLimit, or powerLimit when the scenario gives only that. */
EXPORT nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    DEV_CALL(nvmlDeviceGetEnforcedPowerLimit, device);
    if (!limit) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (HAS(d, F_ENFORCED_LIMIT)) {
        *limit = d->enforced_limit;
        RETURN(NVML_SUCCESS);
    }
    NEED(F_POWER_LIMIT);
    *limit = d->power_limit;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, nvmlPcieUtilCounter_t counter,
                                                unsigned int *value) {
    DEV_CALL(nvmlDeviceGetPcieThroughput, device);
    if (!value || counter < 0 || counter >= NVML_PCIE_UTIL_COUNT) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_PCIE_TX + counter);
    if (g_scn.pcie_delay_ms) {
        /* Real NVML samples a byte counter over 20 ms; opt-in to imitate the cost. */
        struct timespec ts = {(time_t)(g_scn.pcie_delay_ms / 1000),
                              (long)(g_scn.pcie_delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    *value = d->pcie[counter];
    RETURN(NVML_SUCCESS);
}

/* ============================================================================================
 * Modes and capabilities
 * ========================================================================================== */

EXPORT nvmlReturn_t nvmlDeviceGetDisplayActive(nvmlDevice_t device, nvmlEnableState_t *isActive) {
    DEV_CALL(nvmlDeviceGetDisplayActive, device);
    if (!isActive) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_DISPLAY_ACTIVE);
    *isActive = d->display_active;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetDisplayMode(nvmlDevice_t device, nvmlEnableState_t *display) {
    DEV_CALL(nvmlDeviceGetDisplayMode, device);
    if (!display) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_DISPLAY_MODE);
    *display = d->display_mode;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t *mode) {
    DEV_CALL(nvmlDeviceGetPersistenceMode, device);
    if (!mode) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_PERSISTENCE);
    *mode = d->persistence;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t *pState) {
    DEV_CALL(nvmlDeviceGetPerformanceState, device);
    if (!pState) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_PSTATE);
    *pState = d->pstate;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t errorType,
                                                nvmlEccCounterType_t counterType,
                                                unsigned long long *eccCounts) {
    DEV_CALL(nvmlDeviceGetTotalEccErrors, device);
    if (!eccCounts || errorType < 0 || errorType > 1 || counterType < 0 || counterType > 1)
        RETURN(NVML_ERROR_INVALID_ARGUMENT);
    static const int bits[2][2] = {{F_ECC_CORR_VOL, F_ECC_CORR_AGG}, {F_ECC_UNCORR_VOL, F_ECC_UNCORR_AGG}};
    NEED(bits[errorType][counterType]);
    *eccCounts = d->ecc[errorType][counterType];
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeMode(nvmlDevice_t device, nvmlComputeMode_t *mode) {
    DEV_CALL(nvmlDeviceGetComputeMode, device);
    if (!mode) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_COMPUTE_MODE);
    *mode = d->compute_mode;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor) {
    DEV_CALL(nvmlDeviceGetCudaComputeCapability, device);
    if (!major || !minor) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_CUDA_CC);
    *major = d->cc_major;
    *minor = d->cc_minor;
    RETURN(NVML_SUCCESS);
}

static nvmlReturn_t driver_model(struct nvmlDevice_st *d, nvmlDriverModel_t *current,
                                 nvmlDriverModel_t *pending) {
    if (!current && !pending) return NVML_ERROR_INVALID_ARGUMENT;
    if (!HAS(d, F_DRIVER_MODEL)) return NVML_ERROR_NOT_SUPPORTED;
    if (current) *current = d->driver_model_current;
    if (pending) *pending = d->driver_model_pending;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetDriverModel(nvmlDevice_t device, nvmlDriverModel_t *current,
                                             nvmlDriverModel_t *pending) {
    DEV_CALL(nvmlDeviceGetDriverModel, device);
    RETURN(driver_model(d, current, pending));
}

EXPORT nvmlReturn_t nvmlDeviceGetDriverModel_v2(nvmlDevice_t device, nvmlDriverModel_t *current,
                                                nvmlDriverModel_t *pending) {
    DEV_CALL(nvmlDeviceGetDriverModel_v2, device);
    RETURN(driver_model(d, current, pending));
}

/* ============================================================================================
 * MIG
 * ========================================================================================== */

EXPORT nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int *isMigDevice) {
    DEV_CALL(nvmlDeviceIsMigDeviceHandle, device);
    if (!isMigDevice) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    *isMigDevice = (unsigned int)d->is_mig;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode,
                                         unsigned int *pendingMode) {
    DEV_CALL(nvmlDeviceGetMigMode, device);
    if (!currentMode || !pendingMode) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_MIG_MODE);
    *currentMode = d->mig_current;
    *pendingMode = d->mig_pending;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) {
    DEV_CALL(nvmlDeviceGetMaxMigDeviceCount, device);
    if (!count) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_MAX_MIG);
    *count = d->max_mig;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index,
                                                        nvmlDevice_t *migDevice) {
    DEV_CALL(nvmlDeviceGetMigDeviceHandleByIndex, device);
    if (!migDevice || d->is_mig) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_MIG_MODE);
    if (HAS(d, F_MAX_MIG) && index >= d->max_mig) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (d->mig_current != NVML_DEVICE_MIG_ENABLE || index >= d->nmig) RETURN(NVML_ERROR_NOT_FOUND);
    *migDevice = &g_mig[d - g_phys][index];
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice,
                                                                 nvmlDevice_t *device) {
    DEV_CALL(nvmlDeviceGetDeviceHandleFromMigDeviceHandle, migDevice);
    if (!device || !d->is_mig) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    *device = d->parent;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id) {
    DEV_CALL(nvmlDeviceGetGpuInstanceId, device);
    if (!id) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (!d->is_mig) RETURN(NVML_ERROR_NOT_SUPPORTED);
    NEED(F_GI);
    *id = d->gi;
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id) {
    DEV_CALL(nvmlDeviceGetComputeInstanceId, device);
    if (!id) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (!d->is_mig) RETURN(NVML_ERROR_NOT_SUPPORTED);
    NEED(F_CI);
    *id = d->ci;
    RETURN(NVML_SUCCESS);
}

/* ============================================================================================
 * Processes
 * ========================================================================================== */

/* The two-call protocol: a count smaller than needed (0 with NULL on the first call) gives
 * INSUFFICIENT_SIZE and the count needed; an empty list gives SUCCESS and 0. */
static nvmlReturn_t write_procs(const struct fproc *list, unsigned int n, unsigned int *infoCount,
                                void *infos, size_t stride) {
    if (!infoCount) return NVML_ERROR_INVALID_ARGUMENT;
    if (*infoCount < n) {
        *infoCount = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (n && !infos) return NVML_ERROR_INVALID_ARGUMENT;
    for (unsigned int i = 0; i < n; i++) {
        unsigned char *slot = (unsigned char *)infos + i * stride;
        if (stride == sizeof(nvmlProcessInfo_v1_t)) {
            nvmlProcessInfo_v1_t e;
            memset(&e, 0, sizeof(e));
            e.pid = list[i].pid;
            e.usedGpuMemory = list[i].mem;
            memcpy(slot, &e, sizeof(e));
        } else if (stride == sizeof(nvmlProcessInfo_v2_t)) {
            nvmlProcessInfo_v2_t e;
            memset(&e, 0, sizeof(e));
            e.pid = list[i].pid;
            e.usedGpuMemory = list[i].mem;
            e.gpuInstanceId = list[i].gi;
            e.computeInstanceId = list[i].ci;
            memcpy(slot, &e, sizeof(e));
        } else {
            nvmlProcessDetail_v1_t e;
            memset(&e, 0, sizeof(e));
            e.pid = list[i].pid;
            e.usedGpuMemory = list[i].mem;
            e.gpuInstanceId = list[i].gi;
            e.computeInstanceId = list[i].ci;
            e.usedGpuCcProtectedMemory = list[i].cc_mem;
            memcpy(slot, &e, sizeof(e));
        }
    }
    *infoCount = n;
    return NVML_SUCCESS;
}

#define PROC_FN(sym, gfx, stride_expr)                                                              \
    EXPORT nvmlReturn_t sym(nvmlDevice_t device, unsigned int *infoCount, void *infos) {           \
        DEV_CALL(sym, device);                                                                      \
        if (!infoCount) RETURN(NVML_ERROR_INVALID_ARGUMENT);                                        \
        NEED((gfx) ? F_GRAPHICS_PROCS : F_COMPUTE_PROCS);                                           \
        RETURN(write_procs((gfx) ? d->graphics : d->compute, (gfx) ? d->ngraphics : d->ncompute,    \
                           infoCount, infos, (stride_expr)));                                       \
    }

PROC_FN(nvmlDeviceGetComputeRunningProcesses, 0, sizeof(nvmlProcessInfo_v1_t))
PROC_FN(nvmlDeviceGetComputeRunningProcesses_v2, 0, sizeof(nvmlProcessInfo_v2_t))
PROC_FN(nvmlDeviceGetComputeRunningProcesses_v3, 0, g_scn.v3_stride)
PROC_FN(nvmlDeviceGetGraphicsRunningProcesses, 1, sizeof(nvmlProcessInfo_v1_t))
PROC_FN(nvmlDeviceGetGraphicsRunningProcesses_v2, 1, sizeof(nvmlProcessInfo_v2_t))
PROC_FN(nvmlDeviceGetGraphicsRunningProcesses_v3, 1, g_scn.v3_stride)

EXPORT nvmlReturn_t nvmlDeviceGetRunningProcessDetailList(nvmlDevice_t device,
                                                          nvmlProcessDetailList_v1_t *plist) {
    DEV_CALL(nvmlDeviceGetRunningProcessDetailList, device);
    if (!plist) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (plist->version != nvmlProcessDetailList_v1) RETURN(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    if (plist->mode > 2) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (plist->mode == 2) { /* MPS compute: the fake has no MPS clients */
        plist->numProcArrayEntries = 0;
        RETURN(NVML_SUCCESS);
    }
    int graphics = plist->mode == 1;
    NEED(graphics ? F_GRAPHICS_PROCS : F_COMPUTE_PROCS);
    RETURN(write_procs(graphics ? d->graphics : d->compute, graphics ? d->ngraphics : d->ncompute,
                       &plist->numProcArrayEntries, plist->procArray, sizeof(nvmlProcessDetail_v1_t)));
}

EXPORT nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device,
                                                        nvmlConfComputeMemSizeInfo_t *memInfo) {
    DEV_CALL(nvmlDeviceGetConfComputeMemSizeInfo, device);
    if (!memInfo) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_CONF_COMPUTE);
    memInfo->protectedMemSizeKib = d->conf_protected_kib;
    memInfo->unprotectedMemSizeKib = d->conf_unprotected_kib;
    RETURN(NVML_SUCCESS);
}

static unsigned long long sample_ts(const struct fsample *s, unsigned long long now) {
    if (s->ts_mode == 1) return s->ts;
    if (s->ts_mode == 2) return s->ts > now ? 0 : now - s->ts;
    return now;
}

EXPORT nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device,
                                                    nvmlProcessUtilizationSample_t *utilization,
                                                    unsigned int *processSamplesCount,
                                                    unsigned long long lastSeenTimeStamp) {
    DEV_CALL(nvmlDeviceGetProcessUtilization, device);
    if (!processSamplesCount) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    if (mig_enabled(d)) RETURN(NVML_ERROR_NOT_SUPPORTED);
    NEED(F_PROC_UTIL);
    unsigned long long now = real_us();
    unsigned int n = 0;
    for (unsigned int i = 0; i < d->nsamples; i++)
        if (sample_ts(&d->samples[i], now) > lastSeenTimeStamp) n++;
    if (n == 0) RETURN(NVML_ERROR_NOT_FOUND);
    if (!utilization || *processSamplesCount < n) {
        *processSamplesCount = n;
        RETURN(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    unsigned int k = 0;
    for (unsigned int i = 0; i < d->nsamples; i++) {
        const struct fsample *s = &d->samples[i];
        unsigned long long ts = sample_ts(s, now);
        if (ts <= lastSeenTimeStamp) continue;
        nvmlProcessUtilizationSample_t *o = &utilization[k++];
        memset(o, 0, sizeof(*o));
        o->pid = s->pid;
        o->timeStamp = ts;
        o->smUtil = s->sm;
        o->memUtil = s->mem;
        o->encUtil = s->enc;
        o->decUtil = s->dec;
    }
    *processSamplesCount = k;
    RETURN(NVML_SUCCESS);
}

/* ============================================================================================
 * Field values (NVLink) and NVLink state
 * ========================================================================================== */

EXPORT nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount,
                                             nvmlFieldValue_t *values) {
    DEV_CALL(nvmlDeviceGetFieldValues, device);
    if (valuesCount < 0 || (valuesCount > 0 && !values)) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    unsigned long long now = real_us();
    int nvl = HAS(d, F_NVLINK);
    for (int i = 0; i < valuesCount; i++) {
        nvmlFieldValue_t *f = &values[i];
        f->timestamp = (long long)now;
        f->latencyUsec = 0;
        f->value.ullVal = 0;
        switch (f->fieldId) {
        case NVML_FI_DEV_NVLINK_LINK_COUNT:
            if (!nvl) {
                f->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
                break;
            }
            f->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
            f->value.uiVal = d->nvlink_count;
            f->nvmlReturn = NVML_SUCCESS;
            break;
        case NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX:
        case NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX:
            if (!nvl) {
                f->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
                break;
            }
            if (f->scopeId >= d->nvlink_count) {
                f->nvmlReturn = NVML_ERROR_INVALID_ARGUMENT;
                break;
            }
            f->valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
            f->value.ullVal = (unsigned long long)nvl_counter(
                d, f->fieldId == NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, f->scopeId, now);
            f->nvmlReturn = NVML_SUCCESS;
            break;
        case NVML_FI_DEV_ECC_SBE_VOL_TOTAL: /* single-bit = corrected */
        case NVML_FI_DEV_ECC_DBE_VOL_TOTAL: /* double-bit = uncorrected */
        case NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION:
        case NVML_FI_DEV_PCIE_COUNT_TX_BYTES:
        case NVML_FI_DEV_PCIE_COUNT_RX_BYTES: {
            int bit;
            unsigned long long value;
            switch (f->fieldId) {
            case NVML_FI_DEV_ECC_SBE_VOL_TOTAL: bit = F_ECC_CORR_VOL; value = d->ecc[0][0]; break;
            case NVML_FI_DEV_ECC_DBE_VOL_TOTAL: bit = F_ECC_UNCORR_VOL; value = d->ecc[1][0]; break;
            case NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION: bit = F_ENERGY; value = d->energy_mj; break;
            case NVML_FI_DEV_PCIE_COUNT_TX_BYTES: bit = F_PCIE_BYTES_TX; value = d->pcie_bytes[0]; break;
            default: bit = F_PCIE_BYTES_RX; value = d->pcie_bytes[1]; break;
            }
            if (!HAS(d, bit)) {
                f->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
                break;
            }
            f->valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
            f->value.ullVal = value;
            f->nvmlReturn = NVML_SUCCESS;
            break;
        }
        default:
            f->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
            break;
        }
    }
    RETURN(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link,
                                             nvmlEnableState_t *isActive) {
    DEV_CALL(nvmlDeviceGetNvLinkState, device);
    if (!isActive) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    NEED(F_NVLINK);
    if (link >= d->nvlink_count) RETURN(NVML_ERROR_INVALID_ARGUMENT);
    *isActive = 1;
    RETURN(NVML_SUCCESS);
}

/* ============================================================================================
 * Control functions (outside NVML's namespace)
 * ========================================================================================== */

/* Replace the scenario now (path NULL: NVITOP_FAKE_NVML_SCENARIO again). 0 ok, -1 error (the
 * reason goes to stderr and the previous scenario stays). Later nvmlInit calls and mtime checks
 * use this path. */
EXPORT int fakeNvml_loadScenario(const char *path) {
    LOCK();
    char p[sizeof(g_path)];
    int override = 1;
    if (!path) {
        const char *env = getenv("NVITOP_FAKE_NVML_SCENARIO");
        if (!env || !env[0]) {
            fprintf(stderr, "fake-nvml: NVITOP_FAKE_NVML_SCENARIO is not set\n");
            UNLOCK();
            return -1;
        }
        path = env;
        override = 0;
    }
    snprintf(p, sizeof(p), "%s", path);
    lerr e = {{0}, 0};
    int ok = load_path(p, &e);
    if (ok)
        g_path_override = override;
    else
        fprintf(stderr, "fake-nvml: %s\n", e.msg);
    UNLOCK();
    return ok ? 0 : -1;
}

EXPORT void fakeNvml_resetCallCounts(void) {
    LOCK();
    memset(g_counts, 0, sizeof(g_counts));
    UNLOCK();
}

EXPORT unsigned long long fakeNvml_getCallCount(const char *name) {
    if (!name) return 0;
    int i = fn_lookup(name);
    if (i < 0) return 0;
    LOCK();
    unsigned long long c = g_counts[i];
    UNLOCK();
    return c;
}

/* path NULL: NVITOP_FAKE_NVML_COUNTS. 0 ok, -1 error. */
EXPORT int fakeNvml_writeCallCounts(const char *path) {
    LOCK();
    if (!path) path = getenv("NVITOP_FAKE_NVML_COUNTS");
    int r = write_counts(path);
    UNLOCK();
    return r;
}
