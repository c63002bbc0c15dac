// CUDA_VISIBLE_DEVICES integers in CUDA's own FASTEST_FIRST order: the built package asks the CUDA
// driver in a child program (dist/core/native/cuda-device-uuids.cjs). A fake libcuda.so.1
// (test/fake-cuda) found through LD_LIBRARY_PATH gives that order; without it the PCI order
// (NVML's) is used.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, writeScenario } from '../helpers/fake-nvml.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const eight = loadScenario('eight-gpu');
const uuids = eight.devices.map((d) => (d.uuid as string).replace(/^GPU-/, ''));

function fakeCudaDir(): string {
  const dir = path.join(root, 'build', 'fake-cuda');
  mkdirSync(dir, { recursive: true });
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-Wall', '-Werror', '-o', path.join(dir, 'libcuda.so.1'), path.join(root, 'test', 'fake-cuda', 'fake_cuda.c')]);
  return dir;
}

/** parseCudaVisibleDevices(value) in a child process running the built package. */
function parse(value: string | null, extra: NodeJS.ProcessEnv): unknown {
  const code = `import('${path.join(root, 'dist', 'bundle', 'index.js')}').then((m) => process.stdout.write(JSON.stringify(m.parseCudaVisibleDevices(${JSON.stringify(value)}))))`;
  const base = fakeNvmlEnv(writeScenario(eight));
  delete base.CUDA_DEVICE_ORDER;
  const env = { ...base, ...extra };
  const result = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('CUDA order from the CUDA driver', () => {
  const lib = fakeCudaDir();
  // The driver ranks GPU 5 first and GPU 2 second, then the rest in reverse.
  const fastestFirst = [5, 2, 7, 6, 4, 3, 1, 0];
  const cudaEnv = { LD_LIBRARY_PATH: lib, NVITOP_FAKE_CUDA_UUIDS: fastestFirst.map((i) => uuids[i]).join(',') };

  it('integers are CUDA ordinals in the driver order', () => {
    expect(parse('0,1', cudaEnv)).toEqual([5, 2]);
    expect(parse(null, cudaEnv)).toEqual(fastestFirst);
  });

  it('UUIDs and PCI_BUS_ID order do not need the driver', () => {
    expect(parse(`GPU-${uuids[3]}`, cudaEnv)).toEqual([3]);
    expect(parse('0,1', { ...cudaEnv, CUDA_DEVICE_ORDER: 'PCI_BUS_ID' })).toEqual([0, 1]);
  });

  it('the command line asks the driver too (its bundle has the child program beside it)', () => {
    const base = fakeNvmlEnv(writeScenario(eight));
    delete base.CUDA_DEVICE_ORDER;
    const env = { ...base, ...cudaEnv, CUDA_VISIBLE_DEVICES: '0,1' };
    const result = spawnSync(process.execPath, [path.join(root, 'bin', 'nvitop.js'), '--json', '-ov'], { env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout) as { devices: { index: number }[] };
    expect(doc.devices.map((d) => d.index)).toEqual([2, 5]);
  });

  it('without a CUDA driver, integers follow the PCI order', () => {
    expect(parse('0,1', { LD_LIBRARY_PATH: '' })).toEqual([0, 1]);
    expect(parse('0,1', { ...cudaEnv, NVITOP_FAKE_CUDA_UUIDS: undefined })).toEqual([0, 1]);
  });
});
