/**
 * The CUDA runtime version, read from libcudart through koffi (`cudaRuntimeGetVersion` creates
 * no CUDA context, so it is safe in-process). Part of `core/native`: the C libraries other than
 * NVML (libc, libcuda, libcudart).
 *
 * @module
 */
import koffi from 'koffi';
import { NA, type Maybe } from '../na.js';

let cached: Maybe<string> | undefined;

/** Library names to try for the CUDA runtime, newest first. */
function runtimeCandidates(): string[] {
  if (process.platform === 'win32') {
    return ['cudart64_13.dll', 'cudart64_12.dll', 'cudart64_110.dll', 'cudart64_102.dll', 'cudart64_101.dll', 'cudart64_100.dll'];
  }
  if (process.platform === 'darwin') return [];
  return ['libcudart.so', 'libcudart.so.13', 'libcudart.so.12', 'libcudart.so.11.0', 'libcudart.so.10.2', 'libcudart.so.10.1', 'libcudart.so.10.0'];
}

/**
 * The CUDA runtime version as `'major.minor'` (e.g. `'12.4'`), or NA when no CUDA runtime
 * library can be loaded.
 */
export function cudaRuntimeVersion(): Maybe<string> {
  if (cached !== undefined) return cached;
  cached = NA;
  for (const name of runtimeCandidates()) {
    let lib: ReturnType<typeof koffi.load>;
    try {
      lib = koffi.load(name);
    } catch {
      continue;
    }
    try {
      const getVersion = lib.func('int cudaRuntimeGetVersion(_Out_ int *runtimeVersion)') as (out: Int32Array) => number;
      const out = new Int32Array(1);
      if (getVersion(out) === 0 && (out[0] as number) > 0) {
        const version = out[0] as number;
        cached = `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
        return cached;
      }
    } catch {
      // Not a CUDA runtime after all: try the next name.
    }
  }
  return cached;
}
