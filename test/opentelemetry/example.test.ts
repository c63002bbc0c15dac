// examples/opentelemetry.ts runs (tsx, as users run it) against the fake eight-GPU machine and
// sends to a receiver started here through the standard OTEL_EXPORTER_OTLP_ENDPOINT; without a
// listening endpoint it says so and exits 1.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeNvmlEnv, loadScenario } from '../helpers/fake-nvml.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-reader.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const scenario = loadScenario('eight-gpu');
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

function runExample(endpoint: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...fakeNvmlEnv('eight-gpu'), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...extraEnv };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('examples', 'opentelemetry.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

it('examples/opentelemetry.ts sends the GPU metrics to the OTLP endpoint', async () => {
  const { code, stdout, stderr } = await runExample(receiver.endpoint, ['2', '0.5']);
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout).toContain(`Sending the metrics of 8 GPU(s) to ${receiver.endpoint}/v1/metrics every 0.5 s for 2 s`);
  const [, sent, failed] = /(\d+) export\(s\) sent, (\d+) failed/.exec(stdout) ?? [];
  expect(Number(sent)).toBeGreaterThanOrEqual(3);
  expect(Number(failed)).toBe(0);
  expect(receiver.requests.length).toBe(Number(sent));
  for (const request of receiver.requests) {
    const usage = request.metrics.find((m) => m.name === 'hw.gpu.memory.usage');
    expect(usage?.points.map((p) => [p.attributes['hw.id'], p.value])).toEqual(scenario.devices.map((gpu) => [gpu.uuid, gpu.memory!.used]));
  }
}, 90_000);

it('with nothing listening at the endpoint it reports the failed exports and exits 1', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  // The standard timeout variable bounds the exporter's retries.
  const { code, stdout, stderr } = await runExample(`http://127.0.0.1:${port}`, ['1', '0.5'], { OTEL_EXPORTER_OTLP_TIMEOUT: '1000' });
  expect(code).toBe(1);
  expect(stderr).toMatch(/^export failed: /m);
  expect(stdout).toMatch(/0 export\(s\) sent, [1-9]\d* failed/);
}, 90_000);
