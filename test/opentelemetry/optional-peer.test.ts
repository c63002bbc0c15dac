// @opentelemetry/api is an optional peer dependency: importing `nvitop-node` (and using it) must
// not load it, so services without OpenTelemetry never need it installed. A child process
// blocks every resolution of an @opentelemetry package (an ESM resolve hook) and also looks in
// the CommonJS module cache; `nvitop-node/opentelemetry` under the same hook fails, which shows
// the hook bites.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fakeNvmlEnv } from '../helpers/fake-nvml.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

const HOOK = `
  export async function resolve(specifier, context, next) {
    if (specifier.startsWith('@opentelemetry/')) throw new Error('blocked ' + specifier);
    return next(specifier, context);
  }`;
const REGISTER = `
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));`;

async function withHook(script: string): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: fakeNvmlEnv('eight-gpu'),
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('@opentelemetry/api stays unloaded', () => {
  it("import from 'nvitop-node', devices, snapshots, a collector sample: no @opentelemetry module", async () => {
    const { stdout, stderr, code } = await withHook(`
      import { createRequire } from 'node:module';
      import * as api from 'nvitop-node';
      const devices = api.Device.all();
      const snapshots = api.takeSnapshots();
      const collector = new api.ResourceMetricCollector({ devices });
      collector.start('t'); collector.collect(); collector.stop();
      const cache = Object.keys(createRequire(import.meta.url).cache);
      process.stdout.write(JSON.stringify({ devices: devices.length, gpus: snapshots.devices.length, otel: cache.filter((file) => file.includes('@opentelemetry')) }));`);
    expect([code, stderr]).toEqual([0, '']);
    expect(JSON.parse(stdout)).toEqual({ devices: 8, gpus: 8, otel: [] });
  });

  it("the hook bites: 'nvitop-node/opentelemetry' needs @opentelemetry/api", async () => {
    const { code, stderr } = await withHook(`import 'nvitop-node/opentelemetry';`);
    expect(code).not.toBe(0);
    expect(stderr).toContain('blocked @opentelemetry/api');
  });
});
