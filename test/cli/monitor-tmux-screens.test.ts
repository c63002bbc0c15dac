// The built `nvitop` in a real pseudo-terminal (tmux) against fake NVML scenarios: first screens
// at three sizes, what each key does, resize and the narrow-terminal message, and that `q`
// leaves the terminal as it found it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeNvmlEnv, loadScenario, withPids, writeScenario } from '../helpers/fake-nvml.js';
import { TmuxSession } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = ['node', 'bin/nvitop.js'];
const sessions: TmuxSession[] = [];
const children: ChildProcess[] = [];

function monitor(scenario: string | object, columns: number, rows: number, args: string[] = []): TmuxSession {
  const env = fakeNvmlEnv(scenario);
  const session = new TmuxSession({
    columns,
    rows,
    cwd: ROOT,
    command: [...BIN, ...args],
    env: { NVITOP_NVML_LIBRARY: env.NVITOP_NVML_LIBRARY, NVITOP_FAKE_NVML_SCENARIO: env.NVITOP_FAKE_NVML_SCENARIO, NVITOP_MONITOR_MODE: '' },
  });
  sessions.push(session);
  return session;
}

const selectedRow = (session: TmuxSession): string | undefined =>
  session.styledScreen().find((l) => /\x1b\[(?:\d+;)*7m/.test(l));

afterAll(() => {
  for (const s of sessions) s.kill();
  for (const c of children) c.kill('SIGKILL');
});

describe('first screen', () => {
  it('80x24, eight GPUs: time line, compact device panel, top of the screen', async () => {
    const s = monitor('eight-gpu', 80, 24);
    const lines = await s.waitForText('NVITOP');
    expect(lines[0]).toMatch(/^\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4} +\(Press h for help or q to quit\)$/);
    expect(lines).toContain('│ GPU Fan Temp Perf Pwr:Usg/Cap │         Memory-Usage │ GPU-Util  Compute M. │');
    for (let i = 0; i < 8; i += 1) expect(lines.some((l) => l.startsWith(`│ ${String(i).padStart(3)} `))).toBe(true);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(s.display('#{alternate_on} #{cursor_flag}')).toBe('1 0');
  });

  it('120x40: bars on the right of the device panel, the process panel below', async () => {
    const s = monitor('eight-gpu', 120, 40);
    const lines = await s.waitFor((l) => l.filter((x) => /│ MEM: [█▏▎▍▌▋▊▉ ]+\d/.test(x)).length === 8, 'eight memory bars');
    expect(lines.some((l) => /^\[ CPU: /.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('GPU     PID      USER  GPU-MEM %SM %GMBW  %CPU  %MEM  TIME  COMMAND'))).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBe(120);
  });

  it('200x60: the full host panel with history graphs and the devices’ average graphs', async () => {
    const s = monitor('eight-gpu', 200, 60);
    const lines = await s.waitForText('AVG GPU MEM:');
    expect(lines.some((l) => l.includes('AVG GPU UTL:'))).toBe(true);
    expect(lines.some((l) => l.includes('╴30s├') && l.includes('╴60s├') && l.includes('╴120s├'))).toBe(true);
    expect(lines.some((l) => l.includes('Load Average:'))).toBe(true);
    expect(lines.some((l) => /[\u2801-\u28ff]/.test(l))).toBe(true);
    expect(lines.filter((l) => / 4900001 C /.test(l)).length).toBe(2);
  });
});

describe('keys', () => {
  let s: TmuxSession;
  let pids: number[];

  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      // `sleep` adds up its arguments: the zeros only make the command line long enough to scroll.
      const child = spawn('sleep', ['300', ...Array<string>(20).fill('0')], { env: { ...process.env, MONITOR_TEST_MARK: `mark-${i}` }, stdio: 'ignore' });
      children.push(child);
    }
    pids = children.map((c) => c.pid as number).sort((a, b) => a - b);
    const scenario = loadScenario('one-gpu');
    const gpu = scenario.devices[0]!;
    gpu.computeProcesses = [
      { pid: pids[0]!, usedGpuMemory: 3 * 1024 ** 3 },
      { pid: pids[1]!, usedGpuMemory: 1024 ** 3 },
    ];
    gpu.graphicsProcesses = [];
    gpu.processUtilization = [
      { pid: pids[0]!, smUtil: 50, memUtil: 20 },
      { pid: pids[1]!, smUtil: 5, memUtil: 1 },
    ];
    s = monitor(writeScenario(withPids(scenario, [])), 120, 40, ['--interval', '0.5']);
    await s.waitForText('sleep 300');
  });

  it('Down selects a process (reverse video) and shows the signal hint; Esc clears', async () => {
    s.keys('Down');
    await s.waitForText('(Press ^C(INT)/T(TERM)/K(KILL) to send signals)');
    expect(selectedRow(s)).toContain(String(pids[0]));
    s.keys('Down');
    await s.waitFor(() => selectedRow(s)?.includes(String(pids[1])) === true, 'second row selected');
    s.keys('Escape');
    await s.waitFor(() => selectedRow(s) === undefined, 'selection cleared');
  });

  it('o p / sorts by PID and reverses; . and , move the sort column', async () => {
    const order = (lines: string[]) => pids.map((p) => lines.findIndex((l) => l.includes(` ${p} C `)));
    s.keys('o', 'p');
    let lines = await s.waitForText('PID▲');
    let [a, b] = order(lines);
    expect(a).toBeLessThan(b!);
    s.keys('/');
    lines = await s.waitForText('PID▼');
    [a, b] = order(lines);
    expect(b).toBeLessThan(a!);
    s.keys('.');
    await s.waitForText('USER▲');
    s.keys('.');
    await s.waitForText('GPU-MEM▼');
    s.keys(',', ',', ',');
    await s.waitFor((l) => !l.some((x) => /[▲▼]/.test(x)), 'natural order (no arrow)');
  });

  it('h shows the help screen; any key returns', async () => {
    s.keys('h');
    await s.waitForText('Press any key to return.');
    s.keys('x');
    await s.waitForText('Processes:');
  });

  it('c / f / a switch the display mode', async () => {
    s.keys('c');
    await s.waitForText('GPU Fan Temp Perf Pwr:Usg/Cap');
    s.keys('f');
    await s.waitFor((l) => l.some((x) => x.includes('Persistence-M')) && l.some((x) => x.includes('╴30s├')), 'full mode with graphs');
    // At full height auto looks like full; on a short screen auto goes compact, full does not.
    s.resize(120, 16);
    await s.waitFor((l) => l.length <= 17 && l.some((x) => x.includes('Persistence-M')), 'full mode on a short screen');
    s.keys('a');
    await s.waitFor(
      (l) => l.some((x) => x.includes('GPU Fan Temp Perf Pwr:Usg/Cap')) && !l.some((x) => x.includes('Persistence-M')),
      'auto mode compact on a short screen',
    );
    s.resize(120, 40);
    await s.waitForText('Persistence-M');
  });

  it('t shows the tree view with the processes’ parents; q returns', async () => {
    s.keys('t');
    const lines = await s.waitFor((l) => /PID\s+USER\s+DEVICE\s+NLWP/.test(l[0] ?? ''), 'tree header');
    const sleepRows = lines.filter((l) => /[├└]─ sleep 300/.test(l));
    expect(sleepRows.length).toBe(2);
    // Their parent (this test's worker, a node process) is shown above them, its ancestors too.
    const parentRow = lines.findIndex((l) => new RegExp(`^\\s*${process.pid}\\s.*node`).test(l));
    expect(parentRow).toBeGreaterThan(0);
    expect(parentRow).toBeLessThan(lines.findIndex((l) => /[├└]─ sleep 300/.test(l)));
    s.keys('q');
    await s.waitForText('Processes:');
  });

  it('e shows the selected process’s environment; Enter the metrics screen', async () => {
    s.keys('Home');
    await s.waitFor(() => selectedRow(s) !== undefined, 'selection');
    s.keys('e');
    await s.waitForText(`Environment of process ${pids[0]}`);
    await s.waitForText('MONITOR_TEST_MARK=mark-');
    s.keys('e');
    await s.waitForText('Processes:');
    s.keys('Enter');
    const lines = await s.waitForText('GPU-MEM: 3072MiB');
    expect(lines.some((l) => l.includes('Process:'))).toBe(true);
    expect(lines.some((l) => l.includes(' CPU: '))).toBe(true);
    s.keys('Escape');
    await s.waitForText('Processes:');
  });

  it('mouse: a click selects the row under it, the wheel moves the selection', async () => {
    s.keys('Escape');
    const lines = await s.waitFor(() => selectedRow(s) === undefined, 'no selection');
    const row = lines.findIndex((l) => l.includes(` ${pids[1]} C `));
    s.raw(`\x1b[<0;30;${row + 1}M\x1b[<0;30;${row + 1}m`);
    await s.waitFor(() => selectedRow(s)?.includes(String(pids[1])) === true, 'clicked row selected');
    s.raw('\x1b[<64;30;5M');
    await s.waitFor(() => selectedRow(s)?.includes(String(pids[0])) === true, 'wheel up moved the selection');
  });

  it('Right scrolls the host columns', async () => {
    s.keys('Escape');
    s.resize(80, 40);
    await s.waitFor((l) => l.some((x) => x.includes('%GMBW  %CPU')), 'unscrolled header at 80 columns');
    s.keys('Right', 'Right');
    await s.waitFor((l) => l.some((x) => x.includes('%GMBW  U  %MEM')), 'scrolled header');
    s.keys('Left', 'Left');
    await s.waitFor((l) => l.some((x) => x.includes('%GMBW  %CPU')), 'scrolled back');
  });

  it('a resize redraws at the new size; below 79 columns nvitop’s message', async () => {
    s.resize(100, 30);
    await s.waitFor((l) => l.some((x) => x.length === 100 && x.startsWith('╒')), 'process panel 100 wide');
    s.resize(70, 20);
    const lines = await s.waitForText('nvitop needs at least a width of 79');
    expect(lines.join(' ').replace(/[│╒╕╘╛═\s]+/g, ' ')).toContain('nvitop needs at least a width of 79 to render, the current width is 70.');
    s.resize(120, 40);
    await s.waitForText('Processes:');
  });

  it('q quits and leaves the terminal restored', async () => {
    s.keys('q');
    await s.waitForText('EXIT:0');
    expect(s.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    expect(s.display('#{mouse_sgr_flag}#{mouse_standard_flag}')).toBe('00');
  });
});
