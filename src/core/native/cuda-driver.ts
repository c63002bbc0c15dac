/**
 * The CUDA driver's device order, asked in a short-lived child process: `cuInit` fixes device
 * visibility for the rest of a process's life, so it must never run in the caller's process (a
 * training script that calls `selectDevices()` and then sets `CUDA_VISIBLE_DEVICES` must still
 * be free to do so). The child is the compiled program `cuda-device-uuids.cjs` of this folder.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the child program is: next to this module (tsc puts both in `dist/core/native/`; the
 * bundler writes a copy beside each bundle, `dist/bundle/` and `dist/bin/`).
 */
function childProgram(): string | null {
  const candidate = fileURLToPath(new URL('./cuda-device-uuids.cjs', import.meta.url));
  return existsSync(candidate) ? candidate : null;
}

/**
 * The UUIDs (`xxxxxxxx-xxxx-…`, without the `GPU-` prefix) of the devices CUDA sees under
 * `cudaVisibleDevices` (`null`: unset), in CUDA's order; null when there is no CUDA driver or
 * it fails.
 *
 * @example
 * ```ts
 * cudaDriverUuids('1,0'); // ['8f0b…', '3f5e…'] or null
 * ```
 */
export function cudaDriverUuids(cudaVisibleDevices: string | null): string[] | null {
  const program = childProgram();
  if (program === null) return null;
  const env = { ...process.env };
  if (cudaVisibleDevices === null) delete env.CUDA_VISIBLE_DEVICES;
  else env.CUDA_VISIBLE_DEVICES = cudaVisibleDevices;
  const result = spawnSync(process.execPath, [program], { env, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0 || typeof result.stdout !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}
