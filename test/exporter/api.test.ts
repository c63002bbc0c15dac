// createExporter() in a user's own prom-client registry, in-process on the fake eight-GPU
// machine: the same families next to the user's metrics, device selection, one collection (and
// one set of NVML calls) for ten concurrent scrapes, close(), option checks, the process metrics
// and the server helper.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import koffi from 'koffi';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeLibraryPath, loadScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { fetchText } from '../helpers/exporter-process.js';
import { parsePromText } from '../helpers/prom-text.js';
import { ALL_FAMILIES } from './expected.js';

let api: typeof import('../../src/index.js');
let scenario: FakeScenario;
let dir: string;
let writeCounts: (path: string) => number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Total NVML calls so far, from the fake's own counters (same library handle as the binding's). */
function nvmlCalls(): number {
  const file = join(dir, `counts-${Date.now()}-${Math.random()}.json`);
  expect(writeCounts(file)).toBe(0);
  const counts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nvitop-exporter-api-'));
  scenario = loadScenario('eight-gpu');
  const library = fakeLibraryPath();
  process.env.NVITOP_NVML_LIBRARY = library;
  process.env.NVITOP_FAKE_NVML_SCENARIO = writeScenario(scenario);
  api = await import('../../src/index.js');
  writeCounts = koffi.load(library).func('int fakeNvml_writeCallCounts(const char *path)') as (path: string) => number;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createExporter', () => {
  it('registers every nvitop-exporter family in the given registry, next to the user\'s metrics', async () => {
    const registry = new Registry();
    const mine = new Counter({ name: 'my_requests_total', help: 'Requests.', registers: [registry] });
    mine.inc(3);
    const exporter = api.createExporter({ registry, hostname: 'svc', interval: 60 });
    expect(exporter.devices.map((d) => d.displayIndex)).toEqual(scenario.devices.map((_, i) => String(i)));
    const families = parsePromText(await registry.metrics());
    for (const name of ALL_FAMILIES) expect(families.has(name), name).toBe(true);
    expect(families.get('my_requests_total')?.samples[0]?.value).toBe(3);
    expect(families.get('gpu_temperature_C')?.samples).toHaveLength(8);
    expect(families.get('nvitop_info')?.samples[0]?.labels['hostname']).toBe('svc');
    exporter.close();
  });

  it('exposition() writes the same bytes as the registry writes from the gauges (escaping, NaN, every family), once per sample', async () => {
    const registry = new Registry();
    // A hostname with every character the text format escapes.
    const exporter = api.createExporter({ registry, hostname: 'svc "a"\\b\nc', interval: 60 });
    const own = await exporter.exposition();
    expect(own).toBe(await registry.metrics());
    expect(exporter.collections).toBe(1);
    expect(own).toContain('hostname="svc \\"a\\"\\\\b\\nc"');
    expect(own).toMatch(/^gpu_fan_speed_Percentage\{[^}]*\} Nan$/m); // a GPU whose fan NVML does not report
    expect(exporter.familyNames).toEqual([...parsePromText(own).keys()]);
    expect(await exporter.exposition()).toBe(own); // the same sample: the same string, not a rewrite
    const some = await exporter.exposition(['gpu_temperature_C', 'nvitop_info', 'no_such_family', 'gpu_temperature_C']);
    expect(some).toBe(`${await registry.getSingleMetricAsString('gpu_temperature_C')}\n\n${await registry.getSingleMetricAsString('nvitop_info')}\n`);
    expect(await exporter.exposition(['no_such_family'])).toBe('');
    exporter.close();
  });

  it('the registry\'s gauges are filled only when the registry is read', async () => {
    const registry = new Registry();
    const exporter = api.createExporter({ registry, hostname: 'svc', interval: 0 });
    await exporter.exposition();
    const gauge = registry.getSingleMetric('gpu_temperature_C') as unknown as { hashMap: Record<string, unknown> };
    expect(Object.keys(gauge.hashMap)).toHaveLength(0);
    expect(parsePromText(await registry.metrics()).get('gpu_temperature_C')?.samples).toHaveLength(8);
    exporter.close();
  });

  it('exports only the devices it is given', async () => {
    const registry = new Registry();
    const exporter = api.createExporter({ registry, devices: [api.Device.fromIndex(2), api.Device.fromIndex(5)], hostname: 'svc' });
    const families = parsePromText(await registry.metrics());
    expect(families.get('gpu_utilization_Percentage')?.samples.map((s) => s.labels['index'])).toEqual(['2', '5']);
    const uuids = new Set(families.get('process_info_info')?.samples.map((s) => s.labels['uuid']));
    expect([...uuids].sort()).toEqual([scenario.devices[2]?.uuid, scenario.devices[5]?.uuid].sort());
    exporter.close();
  });

  it('ten concurrent scrapes share one collection and one set of NVML calls', async () => {
    const registry = new Registry();
    const exporter = api.createExporter({ registry, hostname: 'svc', interval: 0.3 });
    await registry.metrics(); // warm-up: first-call work (NVLink baseline, identity caches)
    await sleep(400);
    const before = nvmlCalls();
    const collections = exporter.collections;
    const single = await registry.metrics();
    const oneScrape = nvmlCalls() - before;
    expect(exporter.collections).toBe(collections + 1);
    expect(oneScrape).toBeGreaterThan(8 * 10); // every GPU is really asked

    await sleep(400);
    const start = nvmlCalls();
    const texts = await Promise.all(Array.from({ length: 10 }, () => registry.metrics()));
    const tenScrapes = nvmlCalls() - start;
    expect(exporter.collections).toBe(collections + 2);
    expect(tenScrapes).toBe(oneScrape);
    for (const text of texts) expect(text).toBe(texts[0]);
    expect(parsePromText(texts[0] ?? '').get('gpu_memory_used_MiB')?.samples).toEqual(parsePromText(single).get('gpu_memory_used_MiB')?.samples);

    // Within the interval: no new collection, no NVML call.
    const again = nvmlCalls();
    await registry.metrics();
    expect(exporter.collections).toBe(collections + 2);
    expect(nvmlCalls() - again).toBe(0);
    exporter.close();
  });

  it('close() removes its families and nothing else', async () => {
    const registry = new Registry();
    new Counter({ name: 'my_jobs_total', help: 'Jobs.', registers: [registry] });
    const exporter = api.createExporter({ registry, hostname: 'svc' });
    exporter.close();
    expect([...parsePromText(await registry.metrics()).keys()]).toEqual(['my_jobs_total']);
    // A second exporter can register the same names afterwards.
    api.createExporter({ registry, hostname: 'svc' }).close();
  });

  it('rejects a bad interval and devices that are not physical or MIG devices', () => {
    const registry = new Registry();
    expect(() => api.createExporter({ registry, interval: -1 })).toThrow(api.InvalidInputError);
    expect(() => api.createExporter({ registry, interval: Number.NaN })).toThrow(/interval/);
    expect(() => api.createExporter({ registry, devices: [api.Device.fromCudaIndex(0)] })).toThrow(api.InvalidInputError);
    expect(registry.getMetricsAsArray()).toHaveLength(0);
  });

  it('registerProcessMetrics adds the process metrics without _total gauges', async () => {
    const registry = new Registry();
    api.registerProcessMetrics(registry);
    const families = parsePromText(await registry.metrics());
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(families.has('nodejs_active_handles')).toBe(true);
    for (const family of families.values()) if (family.name.endsWith('_total')) expect(family.type, family.name).toBe('counter');
  });

  it('registerProcessMetrics samples the event-loop lag as often as asked', async () => {
    const samples = async (precision: number | undefined) => {
      const registry = new Registry();
      api.registerProcessMetrics(registry, precision === undefined ? {} : { eventLoopMonitoringPrecision: precision });
      await registry.metrics(); // resets the histogram
      await sleep(600);
      const text = await registry.metrics();
      registry.clear();
      return text;
    };
    // Sampled every 10 ms (prom-client's default), 600 ms hold dozens of samples, each about 10 ms
    // (a timer may fire a little early: 9.2 ms was seen); sampled once a second, none yet (an
    // empty histogram: max 0, mean NaN).
    const lag = (text: string, which: string) => parsePromText(text).get(`nodejs_eventloop_lag_${which}_seconds`)?.samples[0]?.value;
    const fine = await samples(undefined);
    expect(lag(fine, 'min')).toBeGreaterThan(0.005);
    expect(lag(fine, 'max')).toBeGreaterThan(0);
    const coarse = await samples(1000);
    expect(lag(coarse, 'max')).toBe(0);
    expect(lag(coarse, 'mean')).toBeNaN();
  });

  it('startMetricsServer serves a registry on a free port', async () => {
    const registry = new Registry();
    const exporter = api.createExporter({ registry, hostname: 'svc' });
    const server = await api.startMetricsServer({ registry, host: '127.0.0.1', port: 0 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const response = await fetchText(server.url);
    expect(parsePromText(response.body).get('gpu_temperature_C')?.samples).toHaveLength(8);
    await expect(api.startMetricsServer({ registry, host: '127.0.0.1', port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await server.close();
    await expect(fetchText(server.url)).rejects.toThrow();
    exporter.close();
  });
});
