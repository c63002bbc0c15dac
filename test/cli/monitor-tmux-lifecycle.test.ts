// The built `nvitop` monitor in tmux, over its lifetime: a signal sent from the confirmation box
// really ends a spawned GPU process; a GPU that gets lost and a process that exits while it runs
// show N/A and disappear without a crash; SIGTERM, SIGHUP and Ctrl-C leave the terminal restored.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, updateScenario, writeScenario, type FakeScenario } from '../helpers/fake-nvml.js';
import { TmuxSession } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const sessions: TmuxSession[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const s of sessions) s.kill();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function sleeper(): ChildProcess {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** One RTX 4090 (the one-gpu scenario) running exactly these PIDs. */
function scenarioWith(pids: number[]): FakeScenario {
  const scenario = loadScenario('one-gpu');
  const gpu = scenario.devices[0]!;
  gpu.computeProcesses = pids.map((pid, i) => ({ pid, usedGpuMemory: (i + 1) * 1024 ** 3 }));
  gpu.graphicsProcesses = [];
  gpu.processUtilization = pids.map((pid) => ({ pid, smUtil: 10, memUtil: 5 }));
  return scenario;
}

function monitor(file: string, args: string[] = []): TmuxSession {
  const env = fakeNvmlEnv(file);
  const session = new TmuxSession({
    columns: 120,
    rows: 40,
    cwd: ROOT,
    command: ['node', 'bin/nvitop.js', ...args],
    env: { NVITOP_NVML_LIBRARY: env.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: env.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '' },
  });
  sessions.push(session);
  return session;
}

const row = (lines: string[], pid: number) => lines.find((l) => new RegExp(`^│ +0 +${pid} `).test(l));
const restored = (s: TmuxSession) => s.display('#{alternate_on} #{cursor_flag} #{mouse_sgr_flag}');

describe('signals from the monitor', () => {
  it('T then Enter sends SIGTERM to the selected process; K then Enter SIGKILL', async () => {
    const a = sleeper();
    const b = sleeper();
    const [first, second] = [a, b].sort((x, y) => (x.pid as number) - (y.pid as number));
    const s = monitor(writeScenario(scenarioWith([first!.pid as number, second!.pid as number])), ['--interval', '0.5']);
    await s.waitFor((l) => row(l, first!.pid as number) !== undefined, 'process rows');

    s.keys('Down');
    await s.waitForText('to send signals');
    s.keys('T');
    await s.waitForText(`Send signal to process ${first!.pid}(`);
    const firstExit = once(first!, 'exit');
    s.keys('Enter');
    const [, signal] = await firstExit;
    expect(signal).toBe('SIGTERM');
    expect(second!.exitCode).toBeNull();
    // NVML still lists the PID: the row stays, as a gone process.
    await s.waitFor((l) => row(l, first!.pid as number)?.includes('No Such Process') === true, 'gone process shown');

    s.keys('Home');
    await s.waitForText('to send signals');
    s.keys('K');
    await s.waitForText(`Send signal to process ${second!.pid}(`);
    const secondExit = once(second!, 'exit');
    s.keys('Enter');
    expect((await secondExit)[1]).toBe('SIGKILL');
    s.keys('q');
    await s.waitForText('EXIT:0');
  });

  it('--readonly: the signal keys do nothing', async () => {
    const child = sleeper();
    const s = monitor(writeScenario(scenarioWith([child.pid as number])), ['--readonly']);
    await s.waitFor((l) => row(l, child.pid as number) !== undefined, 'process row');
    s.keys('Down', 'T', 'K');
    await new Promise((r) => setTimeout(r, 500));
    const lines = await s.waitFor(() => true, 'screen');
    expect(lines.some((l) => l.includes('Send signal'))).toBe(false);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    s.keys('q');
    await s.waitForText('EXIT:0');
  });
});

describe('changes while running', () => {
  it('a process that exits, a process NVML stops listing and a GPU that gets lost: N/A, no crash', async () => {
    const a = sleeper();
    const b = sleeper();
    const file = writeScenario(scenarioWith([a.pid as number, b.pid as number]));
    const s = monitor(file, ['--interval', '0.5']);
    await s.waitFor((l) => row(l, a.pid as number)?.includes('sleep 300') === true && row(l, b.pid as number) !== undefined, 'rows');

    a.kill('SIGKILL');
    await once(a, 'exit');
    await s.waitFor((l) => /N\/A +N\/A +N\/A +No Such Process/.test(row(l, a.pid as number) ?? ''), 'exited process as N/A');

    const scenario = scenarioWith([b.pid as number]);
    updateScenario(file, scenario);
    await s.waitFor((l) => row(l, a.pid as number) === undefined && row(l, b.pid as number) !== undefined, 'row gone');

    scenario.devices[0]!.errors = { '*': 'GPU_IS_LOST' };
    updateScenario(file, scenario);
    const lines = await s.waitFor((l) => l.some((x) => /│ +N\/A \/ N\/A │/.test(x)), 'lost GPU shows N/A');
    expect(lines[0]).toContain('(Press h for help or q to quit)');
    // Still alive and refreshing: the clock moves on.
    const clock = lines[0]!.slice(0, 24);
    await s.waitFor((l) => (l[0] ?? '').slice(0, 24) !== clock, 'clock ticking', 5000);
    s.keys('q');
    await s.waitForText('EXIT:0');
  });
});

describe('the terminal is always restored', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`on ${signal}`, async () => {
      const s = monitor('one-gpu');
      await s.waitForText('Processes:');
      expect(restored(s)).toBe('1 0 1');
      process.kill(s.programPid(), signal);
      await s.waitForText(`EXIT:${code}`);
      expect(restored(s)).toBe('0 1 0');
    });
  }

  it('on Ctrl-C with nothing selected', async () => {
    const s = monitor('one-gpu');
    await s.waitForText('Processes:');
    s.keys('C-c');
    await s.waitForText('EXIT:0');
    expect(restored(s)).toBe('0 1 0');
  });
});
