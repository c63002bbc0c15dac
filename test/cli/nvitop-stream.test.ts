// `nvitop --json --interval/--count` (NDJSON) and `nvitop --csv [--query]`, from the built bin on
// the fake NVML: each line parsed on its own as it arrives, the interval and count honoured,
// lines flushed one at a time, a reader that closes the pipe (`| head -3`) ends nvitop quietly
// with status 0, and a GPU lost in the middle of a stream turns to nulls while the stream goes on.
import { execFile, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvStrict } from '../helpers/csv-reader.js';
import { fakeNvmlEnv, loadScenario, updateScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { BIN, runNvitop } from './nvitop-run.js';

type Json = Record<string, unknown>;

interface StreamRun {
  /** Parsed lines, in order. */
  readonly lines: Json[];
  /** Milliseconds from spawn to each line's arrival. */
  readonly arrivals: number[];
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Spawns `nvitop args` and parses stdout line by line as it arrives. `onLine(n, child)` runs after
 * each complete line (to change the scenario, or to stop the child).
 */
function stream(args: readonly string[], env: NodeJS.ProcessEnv, onLine?: (n: number, stop: () => void) => void): Promise<StreamRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Json[] = [];
    const arrivals: number[] = [];
    let pending = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const text = pending.slice(0, end);
        pending = pending.slice(end + 1);
        try {
          lines.push(JSON.parse(text) as Json);
        } catch (error) {
          reject(new Error(`line ${lines.length + 1} is not one JSON document: ${text.slice(0, 200)} (${String(error)})`));
        }
        arrivals.push(performance.now() - started);
        onLine?.(lines.length, () => child.kill('SIGINT'));
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (pending !== '') reject(new Error(`output does not end with a line end: ${pending.slice(0, 200)}`));
      resolve({ lines, arrivals, stderr, code, signal });
    });
  });
}

/** Runs a shell pipeline; resolves with its stdout and stderr. */
function shell(script: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { env, timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
  });
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const eightGpu = loadScenario('eight-gpu');

describe('nvitop --json with --interval / --count: NDJSON', () => {
  it('prints --count compact documents, one per line, at the interval, with the --json schema', async () => {
    const run = await stream(['--json', '--interval', '0.5', '--count', '3'], fakeNvmlEnv('eight-gpu'));
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.lines).toHaveLength(3);
    // Sample k starts no earlier than k intervals after the first, so its line cannot arrive earlier.
    expect(run.arrivals[1]! - run.arrivals[0]!).toBeGreaterThanOrEqual(0);
    expect(run.arrivals[2]!).toBeGreaterThanOrEqual(1000);
    for (const doc of run.lines) {
      expect(doc).toMatchObject({ schemaVersion: 1, driverVersion: '560.35.03', invalidIndices: [], missingFunctions: [] });
      const devices = doc.devices as Json[];
      expect(devices).toHaveLength(8);
      devices.forEach((device, i) => {
        const gpu = eightGpu.devices[i]!;
        expect(device).toMatchObject({ index: i, uuid: gpu.uuid, memoryUsed: gpu.memory!.used, gpuUtilization: gpu.utilization?.gpu ?? null });
      });
    }
    const stamps = run.lines.map((doc) => doc.timestamp as number);
    expect(stamps[1]!).toBeGreaterThan(stamps[0]!);
    expect(stamps[2]!).toBeGreaterThan(stamps[1]!);
  });

  it('writes each line as soon as it is sampled, and SIGINT ends the stream with status 0', async () => {
    let sawFirstWhileRunning = false;
    const run = await stream(['--json', '--interval', '5'], fakeNvmlEnv('eight-gpu'), (n, stop) => {
      if (n === 1) {
        // The next sample is 5 s away: the first line can only be here because it was flushed.
        sawFirstWhileRunning = true;
        stop();
      }
    });
    expect(sawFirstWhileRunning).toBe(true);
    expect(run.lines).toHaveLength(1);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('--count alone streams too (one compact line for --count 1)', async () => {
    const { stdout, stderr, code } = await runNvitop(['--json', '--count', '1'], fakeNvmlEnv('eight-gpu'));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.split('\n')).toHaveLength(2);
    expect((JSON.parse(stdout) as Json).devices).toHaveLength(8);
  });

  it('plain --json still prints one indented document', async () => {
    const { stdout, code } = await runNvitop(['--json'], fakeNvmlEnv('eight-gpu'));
    expect(code).toBe(0);
    expect(stdout.startsWith('{\n  "schemaVersion": 1,')).toBe(true);
  });

  it('`| head -3`: nvitop ends quietly with status 0 when the reader goes away', async () => {
    const env = fakeNvmlEnv('eight-gpu');
    const { stdout, stderr } = await shell(
      `${shellQuote(process.execPath)} ${shellQuote(BIN)} --json --interval 0.25 | head -3; echo "nvitop=\${PIPESTATUS[0]} head=\${PIPESTATUS[1]}" >&2`,
      env,
    );
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect((JSON.parse(line) as Json).schemaVersion).toBe(1);
    expect(stderr).toBe('nvitop=0 head=0\n');
  });

  it('`--csv --interval | head -2` ends quietly as well', async () => {
    const { stdout, stderr } = await shell(
      `${shellQuote(process.execPath)} ${shellQuote(BIN)} --csv --query index --interval 0.25 | head -2; echo "nvitop=\${PIPESTATUS[0]}" >&2`,
      fakeNvmlEnv('eight-gpu'),
    );
    expect(stdout).toBe('index\n0\n');
    expect(stderr).toBe('nvitop=0\n');
  });

  describe('a GPU lost in the middle of a stream', () => {
    const scenario: FakeScenario = loadScenario('lost-gpu-star');
    // Start healthy: GPU 0 without its '*' error.
    const healthy = structuredClone(scenario);
    delete healthy.devices[0]!.errors;
    const file = writeScenario(healthy);
    afterAll(() => updateScenario(file, healthy));

    it('turns its values to null from the next samples on; the other GPU and the stream go on', async () => {
      const run = await stream(['--json', '--interval', '0.3', '--count', '8'], fakeNvmlEnv(file), (n) => {
        if (n === 2) updateScenario(file, scenario); // the fake rereads it within ~100 ms
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.lines).toHaveLength(8);
      const gpu = (doc: Json, i: number): Json => (doc.devices as Json[])[i]!;
      const [first, last] = [run.lines[0]!, run.lines[7]!];
      expect(gpu(first, 0)).toMatchObject({ memoryUsed: scenario.devices[0]!.memory!.used, gpuUtilization: scenario.devices[0]!.utilization!.gpu, temperature: 58 });
      // Lost: every value read from the GPU is null, identity read before the loss stays.
      expect(gpu(last, 0)).toMatchObject({ uuid: scenario.devices[0]!.uuid, memoryUsed: null, memoryTotal: null, gpuUtilization: null, temperature: null, powerUsage: null });
      expect((last.processes as Json[]).filter((p) => p.devicePhysicalIndex === 0)).toEqual([]);
      for (const doc of run.lines) {
        expect(gpu(doc, 1)).toMatchObject({ uuid: scenario.devices[1]!.uuid, memoryUsed: scenario.devices[1]!.memory!.used, temperature: scenario.devices[1]!.temperature });
      }
      // The change shows within a few samples, and once lost the GPU stays lost.
      const lostFrom = run.lines.findIndex((doc) => gpu(doc, 0).memoryUsed === null);
      expect(lostFrom).toBeGreaterThanOrEqual(2);
      expect(lostFrom).toBeLessThanOrEqual(5);
      for (const doc of run.lines.slice(lostFrom)) expect(gpu(doc, 0).memoryUsed).toBeNull();
    });
  });

  it('an invalid -o index is reported first, the stream still runs, the status is 1', async () => {
    const run = await stream(['--json', '--count', '2', '--interval', '0.25', '-o', '1', '9'], fakeNvmlEnv('eight-gpu'));
    expect(run.stderr).toBe('ERROR: Invalid device index: 9.\n');
    expect(run.code).toBe(1);
    expect(run.lines).toHaveLength(2);
    for (const doc of run.lines) {
      expect((doc.devices as Json[]).map((d) => d.index)).toEqual([1]);
      expect(doc.invalidIndices).toEqual([9]);
    }
  });
});

describe('nvitop --csv', () => {
  it('--query picks the columns; one row per GPU with the scenario values; NA is an empty cell', async () => {
    const { stdout, stderr, code } = await runNvitop(['--csv', '--query', 'index,name,memoryUsed,gpuUtilization,fanSpeed,powerLimit'], fakeNvmlEnv('eight-gpu'));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const [header, ...rows] = parseCsvStrict(stdout);
    expect(header).toEqual(['index', 'name', 'memoryUsed', 'gpuUtilization', 'fanSpeed', 'powerLimit']);
    expect(rows).toHaveLength(8);
    rows.forEach((row, i) => {
      const gpu = eightGpu.devices[i]!;
      expect(row).toEqual([String(i), gpu.name, String(gpu.memory!.used), String(gpu.utilization!.gpu), gpu.fanSpeed === undefined ? '' : String(gpu.fanSpeed), String(gpu.powerLimit)]);
    });
  });

  it('without --query: the default columns, time first', async () => {
    const before = Date.now();
    const { stdout, code } = await runNvitop(['--csv', '-o', '4'], fakeNvmlEnv('eight-gpu'));
    expect(code).toBe(0);
    const [header, row] = parseCsvStrict(stdout);
    expect(header).toEqual(['time', 'index', 'name', 'uuid', 'gpuUtilization', 'memoryUtilization', 'memoryUsed', 'memoryTotal', 'temperature', 'powerUsage', 'powerLimit', 'fanSpeed']);
    const gpu = eightGpu.devices[4]!;
    expect(new Date(row![0]!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row!.slice(1)).toEqual(['4', gpu.name, gpu.uuid, String(gpu.utilization!.gpu), String(gpu.utilization!.memory), String(gpu.memory!.used), String(gpu.memory!.total), String(gpu.temperature), String(gpu.powerUsage), String(gpu.powerLimit), String(gpu.fanSpeed)]);
  });

  it('with --interval/--count: the header once, then the rows of every sample', async () => {
    const { stdout, code } = await runNvitop(['--csv', '--query', 'timestamp,index,temperature', '--interval', '0.25', '--count', '3', '-o', '0', '1'], fakeNvmlEnv('eight-gpu'));
    expect(code).toBe(0);
    const [header, ...rows] = parseCsvStrict(stdout);
    expect(header).toEqual(['timestamp', 'index', 'temperature']);
    expect(rows.map((row) => row.slice(1))).toEqual([0, 1, 2].flatMap(() => [['0', '61'], ['1', '60']]));
    const stamps = rows.filter((_, i) => i % 2 === 0).map((row) => Number(row[0]));
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(200);
    expect(stamps[2]! - stamps[1]!).toBeGreaterThanOrEqual(200);
  });
});

describe('bad stream options', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--json', '--csv'], /argument --csv: not allowed with argument --json/],
    [['--query', 'index'], /argument --query: only allowed with argument --csv/],
    [['--json', '--query', 'index'], /argument --query: only allowed with argument --csv/],
    [['--csv', '--query', 'index,bogus,memoryUsed'], /argument --query: unknown field 'bogus' \(choose from time, timestamp, index,/],
    [['--csv', '--query', 'index,,name'], /argument --query: expected comma-separated field names, got 'index,,name'/],
    [['--count', '3'], /argument --count: only allowed with argument --json or --csv/],
    [['--json', '--count', '0'], /argument --count: invalid positive int value: '0'/],
    [['--json', '--count', '2.5'], /argument --count: invalid positive int value: '2.5'/],
    [['--json', '--count'], /argument --count: expected one argument/],
    [['--json', '--interval', '0.1'], /the interval 0.1s is too short/],
  ];
  it.each(cases)('%j → usage error, status 2, nothing on stdout', async (args, message) => {
    const { stdout, stderr, code } = await runNvitop(args, fakeNvmlEnv('eight-gpu'));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^usage: nvitop /);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^nvitop: error: /);
  });

  it('--csv with --monitor: an error, the rows are printed all the same', async () => {
    const { stdout, stderr, code } = await runNvitop(['--csv', '--query', 'index', '-m', '-o', '0'], fakeNvmlEnv('eight-gpu'));
    expect(stderr).toBe('ERROR: --csv prints the status to stdout; it cannot be combined with --monitor.\n');
    expect(stdout).toBe('index\n0\n');
    expect(code).toBe(1);
  });

  it('no NVML: one clear line, status 1, nothing on stdout', async () => {
    const { stdout, stderr, code } = await runNvitop(['--json', '--count', '2'], { ...process.env, NVITOP_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^ERROR: NVML could not be loaded/);
  });
});
