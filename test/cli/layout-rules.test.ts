// nvitop's device-panel layout rules beyond the one machine of the golden files. A reference
// model written from nvitop 1.7.0's rules (test/helpers/nvitop-layout.ts) is first checked
// against real nvitop's printed output, then our `nvitop -1` (and the monitor's compact panel)
// must print exactly what the model prints for every bundled scenario: eight GPUs, MIG, an old
// board, lost GPUs, at every kind of width (no bars, one column of bars, two), in colour, with
// --light, and with --only / --compute / --graphics.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { nvitopDevicePanel } from '../helpers/nvitop-layout.js';
import { TmuxSession } from '../helpers/tmux.js';
import { runNvitop } from './nvitop-run.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GOLDEN = join(import.meta.dirname, 'golden', 'nvitop-1.7.0');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const strip = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

/** The device panel of a printed screen: from its top border to its bottom border. */
function devicePanel(lines: readonly string[]): string[] {
  const start = lines.findIndex((line) => strip(line).startsWith('╒'));
  const end = lines.findIndex((line, i) => i > start && strip(line).startsWith('╘'));
  return lines.slice(start, end + 1).map((line) => line.trimEnd());
}

describe('the reference model prints what nvitop 1.7.0 printed', () => {
  const parity = loadScenario('one-gpu-parity');
  it.each([79, 100, 120, 140, 160, 200])('nvitop -1 at %i columns', (columns) => {
    const golden = readFileSync(join(GOLDEN, `nvitop-1.c${columns}.txt`), 'utf8').split('\n');
    const panel = devicePanel(golden);
    expect(nvitopDevicePanel(parity, [...panel.at(-1)!].length)).toEqual(panel);
  });
  it.each([
    [80, 24, true],
    [120, 40, false],
    [160, 50, false],
    [200, 60, false],
  ])('the monitor at %ix%i (compact: %s)', (columns, rows, compact) => {
    const golden = readFileSync(join(GOLDEN, `monitor.${columns}x${rows}.txt`), 'utf8').split('\n');
    const panel = devicePanel(golden);
    // In the monitor, the full host panel's top border replaces the device panel's bottom one.
    const model = nvitopDevicePanel(parity, columns, { compact });
    expect(model.slice(0, -1)).toEqual(panel.slice(0, model.length - 1));
  });
});

const SCENARIOS = ['eight-gpu', 'mig', 'old-gpu', 'lost-gpu', 'lost-gpu-star', 'one-gpu', 'one-gpu-r535', 'no-gpu'];
const WIDTHS = [79, 100, 122, 123, 200];

describe('nvitop -1 follows the model on every scenario and width, in colour', () => {
  it.each(SCENARIOS)('%s', async (name) => {
    const scenario = loadScenario(name);
    const runs = await Promise.all(WIDTHS.map((columns) => runNvitop(['-1', '--force-color'], fakeNvmlEnv(scenario, { COLUMNS: String(columns) }))));
    for (const [i, run] of runs.entries()) {
      expect(run.code).toBe(0);
      const printed = devicePanel(run.stdout.split('\n'));
      const width = [...strip(printed.at(-1)!)].length;
      // The table is as wide as the whole output from 100 columns on (bars fill the rest), 79
      // below; without GPUs always 79.
      const total = [...run.stdout.split('\n').filter((line) => line.startsWith('╒')).at(-1)!].length;
      expect([WIDTHS[i], width]).toEqual([WIDTHS[i], name === 'no-gpu' || total < 100 ? 79 : total]);
      expect([WIDTHS[i], printed]).toEqual([WIDTHS[i], nvitopDevicePanel(scenario as FakeScenario, width, { version: VERSION, color: true })]);
    }
  });

  it('--light changes no character and no colour of the table (nvitop has no white text there)', async () => {
    const env = fakeNvmlEnv('eight-gpu', { COLUMNS: '140' });
    const [dark, light] = await Promise.all([runNvitop(['-1', '--force-color'], env), runNvitop(['-1', '--force-color', '--light'], env)]);
    expect(devicePanel(light.stdout.split('\n'))).toEqual(devicePanel(dark.stdout.split('\n')));
  });

  it('--only keeps the selected GPUs in the same layout; --compute / --graphics leave the device panel alone', async () => {
    const scenario = loadScenario('eight-gpu');
    const env = fakeNvmlEnv(scenario, { COLUMNS: '140' });
    const only = await runNvitop(['-1', '-o', '1', '4', '6'], env);
    const printed = devicePanel(only.stdout.split('\n'));
    expect(printed).toEqual(nvitopDevicePanel(scenario, [...printed.at(-1)!].length, { version: VERSION, only: [1, 4, 6] }));
    const flags = ['-c', '-g', '-C', '-G'];
    const runs = await Promise.all(flags.map((flag) => runNvitop(['-1', flag], env)));
    runs.forEach((run, i) => {
      const panel = devicePanel(run.stdout.split('\n'));
      expect([flags[i], panel]).toEqual([flags[i], nvitopDevicePanel(scenario, [...panel.at(-1)!].length, { version: VERSION })]);
    });
  });
});

describe("the monitor's device panel follows the model (tmux)", () => {
  const sessions: TmuxSession[] = [];
  afterAll(() => {
    for (const session of sessions) session.kill();
  });

  it.each([
    ['eight-gpu', 120, 40, 'compact'],
    ['eight-gpu', 170, 40, 'compact'],
    ['mig', 160, 60, 'full'],
    ['mig', 130, 40, 'compact'],
  ])('%s at %ix%i, %s', async (name, columns, rows, mode) => {
    const scenario = loadScenario(name);
    const env = fakeNvmlEnv(scenario);
    const session = new TmuxSession({
      columns,
      rows,
      cwd: ROOT,
      command: ['node', 'bin/nvitop.js', '-m', mode],
      env: { NVITOP_NVML_LIBRARY: env.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: env.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '' },
    });
    sessions.push(session);
    const model = nvitopDevicePanel(scenario, columns, { version: VERSION, compact: mode === 'compact' });
    // The full host panel draws its own top border over the device panel's bottom one.
    const expected = mode === 'full' ? model.slice(0, -1) : model;
    const screen = await session.waitFor((lines) => JSON.stringify(lines.slice(1, 1 + expected.length)) === JSON.stringify(expected), 'the model panel', 10_000).catch(() => session.screen());
    expect(screen.slice(1, 1 + expected.length)).toEqual(expected);
  });
});
