/**
 * A small program (run as `node cuda-device-uuids.cjs`, never imported): asks the CUDA driver
 * (libcuda) for the UUIDs of the devices the environment's `CUDA_VISIBLE_DEVICES` makes
 * visible, in CUDA's order, and prints them as a JSON array of `xxxxxxxx-xxxx-…` strings.
 *
 * It runs in a child process because `cuInit` fixes device visibility for the rest of a
 * process's life (see `cuda-driver.ts`). Exit codes: 0 printed; 3 no CUDA driver library;
 * 4 a CUDA call failed. CommonJS, because a CommonJS program starts about 0.1 s sooner than an
 * ES module one.
 *
 * @module
 */
import koffi from 'koffi';

/** Exit status when libcuda cannot be loaded. */
const NO_DRIVER = 3;
/** Exit status when a CUDA call fails. */
const CUDA_FAILED = 4;

type CuInit = (flags: number) => number;
type CuDeviceGetCount = (count: Int32Array) => number;
type CuDeviceGet = (device: Int32Array, ordinal: number) => number;
type CuDeviceGetUuid = (uuid: Buffer, device: number) => number;

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from the 16 bytes of a `CUuuid`. */
function formatUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function main(): number {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(process.platform === 'win32' ? 'nvcuda.dll' : 'libcuda.so.1');
  } catch {
    return NO_DRIVER;
  }
  const cuInit = lib.func('int cuInit(unsigned int flags)') as CuInit;
  const cuDeviceGetCount = lib.func('int cuDeviceGetCount(_Out_ int *count)') as CuDeviceGetCount;
  const cuDeviceGet = lib.func('int cuDeviceGet(_Out_ int *device, int ordinal)') as CuDeviceGet;
  let getUuid: CuDeviceGetUuid;
  try {
    getUuid = lib.func('int cuDeviceGetUuid_v2(_Out_ uint8_t *uuid, int device)') as CuDeviceGetUuid;
  } catch {
    getUuid = lib.func('int cuDeviceGetUuid(_Out_ uint8_t *uuid, int device)') as CuDeviceGetUuid;
  }
  if (cuInit(0) !== 0) return CUDA_FAILED;
  const count = new Int32Array(1);
  if (cuDeviceGetCount(count) !== 0) return CUDA_FAILED;
  const uuids: string[] = [];
  for (let ordinal = 0; ordinal < (count[0] as number); ordinal += 1) {
    const device = new Int32Array(1);
    if (cuDeviceGet(device, ordinal) !== 0) return CUDA_FAILED;
    const uuid = Buffer.alloc(16);
    if (getUuid(uuid, device[0] as number) !== 0) return CUDA_FAILED;
    uuids.push(formatUuid(uuid));
  }
  process.stdout.write(JSON.stringify(uuids));
  return 0;
}

process.exitCode = main();
