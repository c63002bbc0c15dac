// The one options validator (src/core/options.ts) and its use at every public entry point that
// takes an options object: a typo, a non-object, a wrong type or range is refused with a typed
// error naming the option, before anything is read, allocated or created (no NVML is loaded in
// this file: the errors come first).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { checkOptions, closestName, is } from '../../src/core/options.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-options-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

async function rejected(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

describe('checkOptions', () => {
  const schema = { interval: is.number({ above: 0, unit: 'seconds' }), tag: is.string({ nonEmpty: true }), size: is.nullable(is.size) };

  it('accepts nothing, an empty object and known keys; undefined values count as not given', () => {
    expect(checkOptions('f', undefined, schema)).toEqual({});
    expect(checkOptions('f', {}, schema)).toEqual({});
    expect(checkOptions('f', { interval: 2, tag: 'a', size: '8GiB' }, schema)).toEqual({ interval: 2, tag: 'a', size: '8GiB' });
    expect(checkOptions('f', { interval: undefined, size: null }, schema)).toEqual({ interval: undefined, size: null });
    expect(checkOptions('f', Object.create(null) as object, schema)).toEqual({});
  });

  it('refuses a non-object options argument', () => {
    for (const bad of [null, 'str', 42, true, [], [1], new Date(), () => 1]) {
      const error = thrown(() => checkOptions('f', bad, schema));
      expect(error).toBeInstanceOf(api.InvalidInputError);
      expect(error.message).toMatch(/^Invalid options of f: .*\. Expected an options object \(or nothing\)\.$/);
    }
  });

  it('refuses an unknown key, suggesting the close name (case and typos), else listing the known ones', () => {
    const typo = thrown(() => checkOptions('f', { intervall: 1 }, schema)) as api.UnknownOptionError;
    expect(typo).toBeInstanceOf(api.UnknownOptionError);
    expect(typo).toBeInstanceOf(api.InvalidInputError);
    expect(typo.message).toBe("Unknown option of f: 'intervall' (did you mean 'interval'?).");
    expect([typo.option, typo.suggestion, typo.known]).toEqual(['intervall', 'interval', ['interval', 'tag', 'size']]);
    expect(thrown(() => checkOptions('f', { TAG: 'x' }, schema)).message).toContain("(did you mean 'tag'?)");
    expect(thrown(() => checkOptions('f', { sizze: 1 }, schema)).message).toContain("(did you mean 'size'?)");
    expect(thrown(() => checkOptions('f', { colour: 'red' }, schema)).message).toBe("Unknown option of f: 'colour'. Known options: interval, tag, size.");
  });

  it('refuses values of the wrong type or range, naming the option and what is accepted', () => {
    expect(thrown(() => checkOptions('f', { interval: 0 }, schema)).message).toBe('Invalid interval: 0. Expected a number of seconds > 0.');
    expect(thrown(() => checkOptions('f', { interval: null }, schema)).message).toBe('Invalid interval: null. Expected a number of seconds > 0.');
    expect(thrown(() => checkOptions('f', { interval: Number.NaN }, schema)).message).toMatch(/^Invalid interval: NaN\./);
    expect(thrown(() => checkOptions('f', { interval: Infinity }, schema)).message).toMatch(/^Invalid interval: Infinity\./);
    expect(thrown(() => checkOptions('f', { interval: '2' }, schema)).message).toMatch(/^Invalid interval: '2'\./);
    expect(thrown(() => checkOptions('f', { tag: '' }, schema)).message).toBe("Invalid tag: ''. Expected a non-empty string.");
    // A size is explained by human2bytes itself.
    expect(thrown(() => checkOptions('f', { size: '8GB?' }, schema)).message).toMatch(/^Invalid size: '8GB\?'\. Expected a non-negative size such as '8GiB'/);
  });

  it('closestName: within a third of the length, case-insensitive, transpositions count once', () => {
    expect(closestName('minFreeMemmory', ['minFreeMemory', 'maxCount'])).toBe('minFreeMemory');
    expect(closestName('mnimCount', ['minCount'])).toBe('minCount');
    expect(closestName('fromat', ['format', 'fsync'])).toBe('format');
    expect(closestName('x', ['format'])).toBeUndefined();
    expect(closestName('freeMemory', ['minFreeMemory'])).toBe('minFreeMemory');
  });
});

describe('every public entry point that takes options', () => {
  const file = (name: string) => path.join(dir, name);
  const noop = () => undefined;
  /** [entry point, call with an options argument] */
  const entries: Array<[string, (options: unknown) => unknown]> = [
    ['selectDevices', (o) => api.selectDevices(o as api.SelectDevicesOptions)],
    ['waitForDevices', (o) => api.waitForDevices(o as api.WaitForDevicesOptions)],
    ['useDevices', (o) => api.useDevices(o as api.UseDevicesOptions)],
    ['normalizeSelectOptions', (o) => api.normalizeSelectOptions(o as api.SelectDevicesOptions)],
    ['ResourceMetricCollector', (o) => new api.ResourceMetricCollector(o as api.ResourceMetricCollectorOptions)],
    ['collectInBackground', (o) => api.collectInBackground(noop, undefined, o as api.BackgroundOptions)],
    ['new SummaryWriter()', (o) => new api.SummaryWriter(file('tb'), o as api.SummaryWriterOptions)],
    ['new CsvLogger()', (o) => new api.CsvLogger(file('a.csv'), o as api.CsvLoggerOptions)],
    ['new JsonlLogger()', (o) => new api.JsonlLogger(file('a.jsonl'), o as api.JsonlLoggerOptions)],
    ['new GpuStatsLogger()', (o) => new api.GpuStatsLogger(o as api.GpuStatsLoggerOptions)],
    ['createExporter', (o) => api.createExporter(o as api.ExporterOptions)],
    ['registerProcessMetrics', (o) => api.registerProcessMetrics({} as api.PromRegistry, o as api.ProcessMetricsOptions)],
  ];
  /** A mistyped key of each (its correct spelling in the message). */
  const typos: Record<string, [string, string]> = {
    selectDevices: ['minFreeMemmory', 'minFreeMemory'],
    waitForDevices: ['intervall', 'interval'],
    useDevices: ['maxcount', 'maxCount'],
    normalizeSelectOptions: ['tolerence', 'tolerance'],
    ResourceMetricCollector: ['rootPid', 'rootPids'],
    collectInBackground: ['perIntervall', 'perInterval'],
    'new SummaryWriter()': ['flushSec', 'flushSecs'],
    'new CsvLogger()': ['fromat', 'format'],
    'new JsonlLogger()': ['flushIntervalMS', 'flushIntervalMs'],
    'new GpuStatsLogger()': ['temprature', 'temperature'],
    createExporter: ['hostName', 'hostname'],
    registerProcessMetrics: ['eventLoopMonitoringPrecission', 'eventLoopMonitoringPrecision'],
  };
  /** A value of the wrong type or range for each. */
  const badValues: Record<string, [string, unknown]> = {
    selectDevices: ['minCount', -1],
    waitForDevices: ['interval', 'soon'],
    useDevices: ['format', 'device'],
    normalizeSelectOptions: ['tolerance', 150],
    ResourceMetricCollector: ['interval', null],
    collectInBackground: ['interval', 0],
    'new SummaryWriter()': ['flushSecs', -1],
    'new CsvLogger()': ['format', 'tall'],
    'new JsonlLogger()': ['fsync', 'yes'],
    'new GpuStatsLogger()': ['perBatch', 1.5],
    createExporter: ['interval', -1],
    registerProcessMetrics: ['eventLoopMonitoringPrecision', 0],
  };

  it('refuses a typo with the close name, before touching NVML or the disk', async () => {
    for (const [where, call] of entries) {
      const [typo, meant] = typos[where]!;
      const error = await rejected(async () => call({ [typo]: 1 }));
      expect(error, where).toBeInstanceOf(api.UnknownOptionError);
      expect(error.message, where).toBe(`Unknown option of ${where}: '${typo}' (did you mean '${meant}'?).`);
    }
    expect(fs.readdirSync(dir)).toEqual([]); // no logger created a file or folder
  });

  it('refuses null, a string and an array in place of the options', async () => {
    for (const [where, call] of entries) {
      // (A lone array given to selectDevices/waitForDevices is their device list: see the last test.)
      const bads = where === 'selectDevices' || where === 'waitForDevices' ? [null, 'str'] : [null, 'str', [1, 2]];
      for (const bad of bads) {
        const error = await rejected(async () => call(bad));
        expect(error, `${where} ${String(bad)}`).toBeInstanceOf(api.InvalidInputError);
        expect(error.message).toMatch(new RegExp(`^Invalid options of ${where.replace(/[()]/g, '\\$&')}: `));
      }
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a value of the wrong type or range, naming the option', async () => {
    for (const [where, call] of entries) {
      const [key, value] = badValues[where]!;
      const error = await rejected(async () => call({ [key]: value }));
      expect(error, where).toBeInstanceOf(api.InvalidInputError);
      expect(error.message, where).toMatch(new RegExp(`^Invalid ${key}: `));
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('the issue cases: a typo never selects every GPU; GpuStatsLogger refuses bad values before allocating', () => {
    expect(() => api.selectDevices({ minFreeMemmory: '20GiB' } as api.SelectDevicesOptions)).toThrow("did you mean 'minFreeMemory'?");
    expect(() => api.selectDevices(null as unknown as api.SelectDevicesOptions)).toThrow(api.InvalidInputError);
    expect(() => api.selectDevices('str' as unknown as api.SelectDevicesOptions)).toThrow(api.InvalidInputError);
    expect(() => api.selectDevices({ lock: { dirr: '/tmp' } } as unknown as api.SelectDevicesOptions)).toThrow(
      "Unknown option of selectDevices({ lock }): 'dirr' (did you mean 'dir'?).",
    );
    for (const [key, value] of [['perBatch', -1], ['perBatch', 1.5], ['epochStatistic', 'median'], ['onError', 'x'], ['devices', 'gpu0'], ['sinks', 42]] as const) {
      expect(() => new api.GpuStatsLogger({ [key]: value } as api.GpuStatsLoggerOptions), key).toThrow(new RegExp(`^Invalid ${key}: `));
    }
    expect(() => new api.ResourceMetricCollector({ devices: 'garbage' } as unknown as api.ResourceMetricCollectorOptions)).toThrow(
      "Invalid devices: 'garbage'.",
    );
    expect(() => new api.ResourceMetricCollector({ devices: ['garbage'] } as unknown as api.ResourceMetricCollectorOptions)).toThrow(
      "Invalid devices: 'garbage'. Expected Device objects",
    );
    expect(() => new api.ResourceMetricCollector({ interval: null } as unknown as api.ResourceMetricCollectorOptions)).toThrow('Invalid interval: null.');
    expect(() => api.selectDevices(['garbage'] as unknown as api.Device[], {})).toThrow("Invalid devices: 'garbage'. Expected Device objects");
    expect(() => api.selectDevices('str' as unknown as api.Device[], {})).toThrow("Invalid devices: 'str'.");
  });
});
