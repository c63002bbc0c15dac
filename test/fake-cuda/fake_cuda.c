/*
 * A fake libcuda.so.1 with the five driver API calls nvitop-node's CUDA order program uses
 * (src/core/native/cuda-device-uuids.cts): cuInit, cuDeviceGetCount, cuDeviceGet,
 * cuDeviceGetUuid, cuDeviceGetUuid_v2. Prototypes as in NVIDIA's cuda.h (CUresult is an enum,
 * CUdevice an int, CUuuid 16 bytes).
 *
 * The devices, in CUDA's FASTEST_FIRST order, come from NVITOP_FAKE_CUDA_UUIDS: a comma-separated
 * list of UUIDs (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, a `GPU-` prefix allowed). As the real
 * driver does, CUDA_VISIBLE_DEVICES (integers only here) selects and orders them: an entry that
 * is not a valid ordinal ends the list. Unset NVITOP_FAKE_CUDA_UUIDS: cuInit fails
 * (CUDA_ERROR_NO_DEVICE).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define CUDA_SUCCESS 0
#define CUDA_ERROR_INVALID_VALUE 1
#define CUDA_ERROR_NOT_INITIALIZED 3
#define CUDA_ERROR_NO_DEVICE 100
#define CUDA_ERROR_INVALID_DEVICE 101
#define MAX_DEVICES 64

typedef struct { unsigned char bytes[16]; } CUuuid;

static CUuuid all[MAX_DEVICES];
static int allCount = 0;
static int visible[MAX_DEVICES];
static int visibleCount = 0;
static int initialized = 0;

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (char)tolower((unsigned char)c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static int parseUuid(const char *text, CUuuid *out) {
  if (strncmp(text, "GPU-", 4) == 0) text += 4;
  int n = 0;
  for (const char *p = text; *p != '\0' && *p != ',' && n < 32; p++) {
    if (*p == '-') continue;
    int v = hexValue(*p);
    if (v < 0) return -1;
    if (n % 2 == 0) out->bytes[n / 2] = (unsigned char)(v << 4);
    else out->bytes[n / 2] |= (unsigned char)v;
    n++;
  }
  return n == 32 ? 0 : -1;
}

int cuInit(unsigned int flags) {
  (void)flags;
  const char *list = getenv("NVITOP_FAKE_CUDA_UUIDS");
  if (list == NULL) return CUDA_ERROR_NO_DEVICE;
  allCount = 0;
  for (const char *p = list; *p != '\0' && allCount < MAX_DEVICES;) {
    if (parseUuid(p, &all[allCount]) != 0) return CUDA_ERROR_INVALID_VALUE;
    allCount++;
    const char *comma = strchr(p, ',');
    if (comma == NULL) break;
    p = comma + 1;
  }
  visibleCount = 0;
  const char *cvd = getenv("CUDA_VISIBLE_DEVICES");
  if (cvd == NULL) {
    for (int i = 0; i < allCount; i++) visible[visibleCount++] = i;
  } else {
    for (const char *p = cvd; *p != '\0' && visibleCount < MAX_DEVICES;) {
      char *end;
      long ordinal = strtol(p, &end, 10);
      if (end == p || ordinal < 0 || ordinal >= allCount) break;
      visible[visibleCount++] = (int)ordinal;
      const char *comma = strchr(p, ',');
      if (comma == NULL) break;
      p = comma + 1;
    }
  }
  initialized = 1;
  return CUDA_SUCCESS;
}

int cuDeviceGetCount(int *count) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (count == NULL) return CUDA_ERROR_INVALID_VALUE;
  *count = visibleCount;
  return CUDA_SUCCESS;
}

int cuDeviceGet(int *device, int ordinal) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (device == NULL) return CUDA_ERROR_INVALID_VALUE;
  if (ordinal < 0 || ordinal >= visibleCount) return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

int cuDeviceGetUuid_v2(CUuuid *uuid, int device) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (uuid == NULL) return CUDA_ERROR_INVALID_VALUE;
  if (device < 0 || device >= visibleCount) return CUDA_ERROR_INVALID_DEVICE;
  *uuid = all[visible[device]];
  return CUDA_SUCCESS;
}

int cuDeviceGetUuid(CUuuid *uuid, int device) {
  return cuDeviceGetUuid_v2(uuid, device);
}
