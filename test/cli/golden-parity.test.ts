// Golden tests: the machine real nvitop 1.7.0 was run on (test/cli/golden/nvitop-1.7.0, from
// ../shared/reference/nvitop-output) served by the fake NVML (scenario one-gpu-parity), with two
// processes renamed `fake-worker-A` / `fake-worker-B` as there. `nvitop -1` at every width of the
// golden files (and with --ascii), and the monitor in tmux at every size, must print the same
// lines once the run-dependent parts the golden README lists are masked.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HostSnapshot } from '../../src/core/index.js';
import { asciiLines, lineText, renderHostPanel } from '../../src/cli/render/index.js';
import { fakeNvmlEnv, loadScenario, withPids, writeScenario } from '../helpers/fake-nvml.js';
import { maskRunDependent } from '../helpers/golden-mask.js';
import { TmuxSession } from '../helpers/tmux.js';
import { killAll, runNvitop } from './nvitop-run.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GOLDEN = join(import.meta.dirname, 'golden', 'nvitop-1.7.0');
const superuser = typeof process.geteuid === 'function' && process.geteuid() === 0;

/** A golden file's rows, without the blank rows at the end (a tmux capture has the whole pane). */
function golden(name: string): string[] {
  return rows(readFileSync(join(GOLDEN, name), 'utf8'));
}

function rows(text: string): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

const mask = (lines: readonly string[]): string[] => maskRunDependent(lines, { superuser });

const workers: ChildProcess[] = [];
let scenarioFile = '';

beforeAll(() => {
  // `sleep 100000` renamed as on the golden machine: /proc/<pid>/cmdline is `fake-worker-A 100000`.
  for (const name of ['fake-worker-A', 'fake-worker-B']) workers.push(spawn('sleep', ['100000'], { argv0: name, stdio: 'ignore' }));
  scenarioFile = writeScenario(withPids(loadScenario('one-gpu-parity'), workers.map((w) => w.pid!)));
});

afterAll(() => killAll(workers));

describe('nvitop -1 prints what nvitop 1.7.0 prints', () => {
  const cases: [string, string[], string][] = [
    ...[79, 100, 120, 140, 160, 200].map((c): [string, string[], string] => [`nvitop-1.c${c}.txt`, [], String(c)]),
    ...[79, 120, 160].map((c): [string, string[], string] => [`nvitop-1-ascii.c${c}.txt`, ['--ascii'], String(c)]),
  ];
  it.each(cases)('%s', async (file, args, columns) => {
    const result = await runNvitop(['-1', ...args], fakeNvmlEnv(scenarioFile, { COLUMNS: columns }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(mask(rows(result.stdout))).toEqual(mask(golden(file)));
  });
});

describe('the host lines, given the figures nvitop read, are the golden lines exactly', () => {
  // The masked parts of the host panel: rendered from the figures the golden lines show (CPU %,
  // uptime, load averages, memory % and used, swap %), they must come out character for character.
  const GiB = 1024 ** 3;
  const host = (cpu: number, uptime: number, load: [number, number, number], used: number): HostSnapshot => ({
    hostname: 'vm',
    username: 'root',
    cpuPercent: cpu,
    cpuCount: 2,
    virtualMemory: { total: 8 * GiB, available: 7 * GiB, used: Math.round(used * GiB), free: 7 * GiB, percent: 1.7 },
    swapMemory: { total: GiB, used: 0, free: GiB, percent: 0 },
    loadAverage: load,
    uptime,
    timestamp: 0,
  });
  const hms = (h: number, m: number, s: number): number => 3600 * h + 60 * m + s;
  const cases: [string, number, number, HostSnapshot][] = [
    ['nvitop-1.c79.txt', 10, 79, host(54.3, hms(1, 40, 44), [0.84, 0.59, 0.57], 0.15)],
    ['nvitop-1.c100.txt', 10, 100, host(51.5, hms(1, 40, 44), [0.84, 0.59, 0.57], 0.15)],
    ['nvitop-1.c120.txt', 10, 120, host(50.0, hms(1, 40, 44), [0.84, 0.59, 0.57], 0.15)],
    ['nvitop-1.c160.txt', 10, 140, host(52.9, hms(1, 40, 45), [0.85, 0.6, 0.57], 0.14)],
    ['nvitop-1-ascii.c79.txt', 10, 79, host(48.5, hms(1, 40, 46), [0.85, 0.6, 0.57], 0.14)],
    ['monitor.80x24.txt', 8, 80, host(1.0, hms(1, 41, 25), [0.72, 0.6, 0.57], 0.13)],
  ];
  it.each(cases)('%s', (file, row, width, snapshot) => {
    const ascii = file.includes('ascii');
    const lines = renderHostPanel(snapshot, { width, ascii, colorful: false, light: false, gpuUtilThresholds: [10, 75], memUtilThresholds: [10, 80] });
    const text = (ascii ? asciiLines(lines) : lines).map(lineText);
    expect(text).toEqual(golden(file).slice(row, row + 2));
  });
});

describe('nvitop -1 --force-color: the same text, coloured as nvitop colours it', () => {
  // termcolor's `colored(text, color, attrs)`: one ESC[<n>m per attribute, then the colour, the
  // text and ESC[0m. This machine's load is moderate everywhere (memory 41.7 %, GPU 63 %, memory
  // bandwidth 41 %, power 63.8 %): every device cell and bar is yellow.
  const Y = (text: string): string => `\x1b[33m${text}\x1b[0m`;
  const bold = (text: string, color?: number): string => `\x1b[1m${color === undefined ? '' : `\x1b[${color}m`}${text}\x1b[0m`;
  const strip = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

  it('140 columns', async () => {
    const result = await runNvitop(['-1', '--force-color'], fakeNvmlEnv(scenarioFile, { COLUMNS: '140' }));
    expect(result.code).toBe(0);
    const lines = rows(result.stdout);
    expect(mask(lines.map(strip))).toEqual(mask(golden('nvitop-1.c140.txt')));
    // Device rows: each table cell between the `│`s in the device's colour, borders plain; each
    // bar coloured without the blank on either side of it.
    for (const row of [7, 8]) {
      const plain = strip(lines[row]!);
      const cells = plain.split('│');
      const table = cells.slice(0, 4).map((cell) => (cell === '' ? '' : Y(cell))).join('│');
      const bars = cells.slice(4, -1).map((cell) => ` ${Y(cell.slice(1, -1))} `);
      expect(lines[row]).toBe(`${table}│${bars.join('│')}│`);
    }
    // Host: CPU bar cyan and bold with its brackets, load average bold; memory magenta, swap blue.
    expect(lines[10]).toMatch(/^\x1b\[1m\x1b\[36m\[ CPU: [^\x1b]* \]\x1b\[0m {2}\x1b\[1m\( Load Average: [^\x1b]* \)\x1b\[0m$/);
    expect(lines[11]).toMatch(/^\x1b\[1m\x1b\[35m\[ MEM: [^\x1b]* \]\x1b\[0m {2}\x1b\[1m\x1b\[34m\[ SWP: [^\x1b]* \]\x1b\[0m$/);
    // Processes: user (yellow for root, magenta otherwise), `@` and host (green) in bold; the GPU
    // index of each row in its device's colour, the rest of the row plain (our own processes).
    const user = (await import('node:os')).userInfo().username;
    const title = lines[14]!;
    expect(title).toMatch(/^│ Processes: +\x1b/);
    expect(title.slice(title.indexOf('\x1b'))).toMatch(/^\x1b\[1m\x1b\[3[35]m[^\x1b]+\x1b\[0m\x1b\[1m@\x1b\[0m\x1b\[1m\x1b\[32m[^\x1b]+\x1b\[0m │$/);
    expect(title).toContain(`${bold(user, superuser ? 33 : 35)}${bold('@')}`);
    for (const row of [17, 18]) expect(lines[row]).toBe(`│${Y('   0')}${strip(lines[row]!).slice(5)}`);
  });
});

describe('the monitor shows what nvitop 1.7.0 shows (tmux, auto mode)', () => {
  const sessions: TmuxSession[] = [];
  afterAll(() => {
    for (const session of sessions) session.kill();
  });

  it.each([
    [80, 24],
    [120, 40],
    [160, 50],
    [200, 60],
  ])('%ix%i', async (columns, height) => {
    const env = fakeNvmlEnv(scenarioFile);
    const session = new TmuxSession({
      columns,
      rows: height,
      cwd: ROOT,
      command: ['node', 'bin/nvitop.js'],
      env: { NVITOP_NVML_LIBRARY: env.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: env.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '' },
    });
    sessions.push(session);
    const expected = mask(golden(`monitor.${columns}x${height}.txt`));
    const same = (lines: string[]): boolean => JSON.stringify(mask(rows(lines.join('\n')))) === JSON.stringify(expected);
    // Host figures and graphs arrive after the first samples: wait for the screen to settle on it.
    const screen = await session.waitFor(same, 'the golden screen', 12_000).catch(() => session.screen());
    expect(mask(rows(screen.join('\n')))).toEqual(expected);
  });
});
