/**
 * Per-function NVML call counts of the fake library loaded in this process (the same library
 * handle the binding uses, since `dlopen` of one path returns one handle), through the fake's
 * control functions `fakeNvml_writeCallCounts` and `fakeNvml_resetCallCounts`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';

/** Reads and resets the call counters of the fake library at `library`. */
export interface NvmlCallCounter {
  /** `{ nvmlDeviceGetName: 8, ... }`: calls since the last reset (functions never called are absent). */
  counts(): Record<string, number>;
  /** Sum of {@link counts}. */
  total(): number;
  /** Zeroes every counter. */
  reset(): void;
}

/** A counter over the fake library at `library` (load it through the binding first or after: same handle). */
export function nvmlCallCounter(library: string): NvmlCallCounter {
  const lib = koffi.load(library);
  const write = lib.func('int fakeNvml_writeCallCounts(const char *path)') as unknown as (path: string) => number;
  const reset = lib.func('void fakeNvml_resetCallCounts(void)') as unknown as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'nvml-counts-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const counts = (): Record<string, number> => {
    const file = join(dir, `counts-${n++}.json`);
    if (write(file) !== 0) throw new Error('fakeNvml_writeCallCounts failed');
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  };
  return {
    counts,
    total: () => Object.values(counts()).reduce((a, b) => a + b, 0),
    reset: () => reset(),
  };
}
