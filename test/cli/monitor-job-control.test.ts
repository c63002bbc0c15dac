// The built monitor under job control, in tmux: stopped by an external `kill -TSTP` (or Ctrl-Z)
// from an interactive shell, it gives the terminal back first (main screen, cursor shown, no
// mouse reporting); `fg` (SIGCONT) takes it again and redraws every cell. Stopped by SIGSTOP
// (which cannot be caught), SIGCONT repaints a screen that something else wrote over.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv } from '../helpers/fake-nvml.js';
import { TmuxSession } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const sessions: TmuxSession[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
});

function env(): NodeJS.ProcessEnv {
  const fake = fakeNvmlEnv('one-gpu');
  return { NVITOP_NVML_LIBRARY: fake.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: fake.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '', PS1: '$ ' };
}

const modes = (s: TmuxSession) => s.display('#{alternate_on} #{cursor_flag} #{mouse_sgr_flag}');
const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
const children = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((p) => p !== '').map(Number);

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the monitor under job control', () => {
  it('kill -TSTP and Ctrl-Z give the terminal back before stopping; fg takes it again and redraws', async () => {
    const s = new TmuxSession({ columns: 120, rows: 40, cwd: ROOT, command: ['bash', '--norc', '--noprofile', '-i'], env: env() });
    sessions.push(s);
    await s.waitForText('$');
    s.keys('node bin/nvitop.js', 'Enter');
    await s.waitForText('Processes:');
    const shell = s.programPid();
    let node = 0;
    await until(() => (node = children(shell).find((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node') ?? 0) !== 0, 'the node process');
    expect(modes(s)).toBe('1 0 1');

    for (const stop of ['kill -TSTP', 'Ctrl-Z'] as const) {
      if (stop === 'kill -TSTP') process.kill(node, 'SIGTSTP');
      else s.keys('C-z');
      await s.waitForText('Stopped');
      await until(() => state(node) === 'T', `${stop}: the process stopped`);
      expect(modes(s), stop).toBe('0 1 0'); // main screen, cursor shown, no mouse reporting
      const shellScreen = s.screen().filter((l) => l !== '');
      expect(shellScreen.at(-1), stop).toBe('$'); // the shell has its prompt back

      s.keys('clear', 'Enter');
      await s.waitFor((lines) => lines.filter((l) => l !== '').length === 1, 'a cleared shell screen');
      s.keys('fg', 'Enter');
      await until(() => modes(s) === '1 0 1', `${stop}: the terminal taken again`);
      // Redrawn in full: the whole monitor, not only the cells that changed since the stop.
      const lines = await s.waitFor((l) => l.some((x) => x.includes('Processes:')) && l.some((x) => x.includes('NVITOP')), 'the monitor redrawn');
      expect(lines[0], stop).toContain('(Press h for help or q to quit)');
      expect(lines.some((l) => l.includes('Stopped')), stop).toBe(false);
      expect(state(node), stop).not.toBe('T');
    }
    s.keys('q');
    await until(() => !children(shell).includes(node), 'the monitor to quit');
    expect(modes(s)).toBe('0 1 0');
  });

  it('SIGSTOP then SIGCONT (no job-control shell): the screen is repainted', async () => {
    const s = new TmuxSession({ columns: 120, rows: 40, cwd: ROOT, command: ['node', 'bin/nvitop.js'], env: env() });
    sessions.push(s);
    await s.waitForText('Processes:');
    const node = s.programPid();
    process.kill(node, 'SIGSTOP');
    await until(() => state(node) === 'T', 'stopped');
    // Something else writes over the screen while the monitor is stopped.
    writeFileSync(s.display('#{pane_tty}'), '\x1b[2J\x1b[5;1HGARBAGE WRITTEN WHILE STOPPED');
    await s.waitForText('GARBAGE WRITTEN WHILE STOPPED');
    process.kill(node, 'SIGCONT');
    const lines = await s.waitFor((l) => !l.some((x) => x.includes('GARBAGE')) && l.some((x) => x.includes('Processes:')), 'the repaint');
    expect(lines[0]).toContain('(Press h for help or q to quit)');
    expect(modes(s)).toBe('1 0 1');
    // A SIGTSTP the kernel discards (an orphaned process group: no shell could continue it)
    // leaves the monitor running with the terminal taken.
    process.kill(node, 'SIGTSTP');
    await new Promise((r) => setTimeout(r, 500));
    expect(state(node)).not.toBe('T');
    await s.waitFor((l) => l.some((x) => x.includes('Processes:')), 'the monitor still drawn');
    expect(modes(s)).toBe('1 0 1');
    s.keys('q');
    await s.waitForText('EXIT:0');
  });
});
