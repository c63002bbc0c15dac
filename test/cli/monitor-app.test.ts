import { describe, expect, it } from 'vitest';

import { AccessDeniedError, NA } from '../../src/core/index.js';
import { MonitorApp, type AppServices } from '../../src/cli/monitor/app.js';
import type { Canvas } from '../../src/cli/monitor/canvas.js';
import type { InputEvent } from '../../src/cli/monitor/keys.js';
import type { TreeRow } from '../../src/cli/monitor/tree.js';
import type { StatusData } from '../../src/cli/render/types.js';
import { device, GiB, OPTIONS, proc, status } from './status-fixture.js';

const { width: _width, ...RENDER } = OPTIONS;

function data(extra: Partial<StatusData> = {}): StatusData {
  return status(
    [
      { device: device({ index: 0, gpu: 20 }), migDevices: [] },
      { device: device({ index: 1, gpu: 90, used: 70 * GiB }), migDevices: [] },
    ],
    [
      { ...proc({ pid: 200, device: '0', user: 'alice', gpuMemory: 4 * GiB, command: 'python train.py --lr 0.1' }), runningTime: 62 },
      { ...proc({ pid: 300, device: '1', user: 'bob', gpuMemory: 9 * GiB, command: 'python serve.py' }), runningTime: 3000 },
      { ...proc({ pid: 100, device: '0', user: 'alice', gpuMemory: 1 * GiB, command: 'jupyter-lab' }), runningTime: 9 },
    ],
    extra,
  );
}

function makeApp(options: { readonly?: boolean; mode?: 'auto' | 'full' | 'compact'; services?: Partial<AppServices> } = {}) {
  const signals: [number, string][] = [];
  const services: AppServices = {
    sendSignal: (pid, signal) => void signals.push([pid, signal]),
    environ: (pid) => ({ HOME: '/home/alice', CUDA_VISIBLE_DEVICES: '0', PID_SEEN: String(pid) }),
    buildTree: (processes): TreeRow[] => [
      { pid: 1, username: 'root', devices: 'Host', threads: 1, cpuPercent: 0, memoryPercent: 0, time: '9 days', command: 'init', prefix: '', gone: false, isGpu: false },
      ...processes.map((p, i, all) => ({
        pid: p.pid, username: p.username, devices: `GPU ${p.deviceIndex}`, threads: 4, cpuPercent: 1, memoryPercent: 1, time: '1:00',
        command: p.command, prefix: i === all.length - 1 ? '└─ ' : '├─ ', gone: false, isGpu: true,
      })),
    ],
    now: () => new Date(2026, 4, 20, 12, 0, 0),
    ...options.services,
  };
  const app = new MonitorApp({ mode: options.mode ?? 'auto', readonly: options.readonly ?? false, render: RENDER, services });
  app.update(data());
  return { app, signals };
}

const key = (name: string): InputEvent => ({ type: 'key', name });
const text = (canvas: Canvas): string[] => Array.from({ length: canvas.rows }, (_, r) => canvas.rowText(r));
const rowOf = (lines: string[], needle: string): number => lines.findIndex((l) => l.includes(needle));
const styleAt = (canvas: Canvas, row: number, column: number) => {
  let x = 0;
  for (const segment of canvas.toLines()[row] ?? []) {
    if (column < x + [...segment.text].length) return segment.style ?? {};
    x += [...segment.text].length;
  }
  return {};
};

describe('monitor state machine and screens', () => {
  it('draws the main screen: time line with the help hint, devices, host, processes', () => {
    const { app } = makeApp();
    const lines = text(app.frame(40, 120));
    expect(lines[0]).toMatch(/^Wed May 20 12:00:00 2026\s+\(Press h for help or q to quit\)/);
    expect(lines.some((l) => l.includes('NVITOP 9.8.7'))).toBe(true);
    expect(lines.some((l) => l.includes('Load Average:'))).toBe(true);
    for (const needle of ['python train.py --lr 0.1', 'python serve.py', 'jupyter-lab']) expect(rowOf(lines, needle)).toBeGreaterThan(0);
  });

  it('moves the selection with Down/Up/Home/End/Tab and shows it in reverse video with the signal hint', () => {
    const { app } = makeApp();
    expect(app.handle(key('Down'))).toBe('redraw');
    let canvas = app.frame(40, 120);
    let lines = text(canvas);
    const first = rowOf(lines, 'python train.py');
    // natural order: GPU 0 (alice 100, alice 200), then GPU 1.
    expect(rowOf(lines, 'jupyter-lab')).toBeLessThan(first);
    const selectedRow = rowOf(lines, 'jupyter-lab');
    expect(styleAt(canvas, selectedRow, 10)).toMatchObject({ reverse: true });
    expect(lines.some((l) => l.includes('(Press ^C(INT)/T(TERM)/K(KILL) to send signals)'))).toBe(true);
    app.handle(key('End'));
    canvas = app.frame(40, 120);
    lines = text(canvas);
    expect(styleAt(canvas, rowOf(lines, 'python serve.py'), 10)).toMatchObject({ reverse: true });
    // bob's process: not ours, no signal hint.
    expect(lines.some((l) => l.includes('to send signals'))).toBe(false);
    app.handle(key('Home'));
    app.handle(key('Tab'));
    canvas = app.frame(40, 120);
    expect(styleAt(canvas, rowOf(text(canvas), 'python train.py'), 10)).toMatchObject({ reverse: true });
    app.handle(key('Esc'));
    canvas = app.frame(40, 120);
    expect(styleAt(canvas, rowOf(text(canvas), 'python train.py'), 10).reverse).not.toBe(true);
  });

  it('sorts with o + letter, reverses with /, cycles with , and ., marking the column', () => {
    const { app } = makeApp();
    app.handle(key('o'));
    app.handle(key('g'));
    let lines = text(app.frame(40, 120));
    expect(lines.some((l) => l.includes('GPU-MEM▼'))).toBe(true);
    const order = () => ['python serve.py', 'python train.py', 'jupyter-lab'].map((n) => rowOf(text(app.frame(40, 120)), n));
    const [serve, train, jupyter] = order();
    expect(serve).toBeLessThan(train!);
    expect(train).toBeLessThan(jupyter!);
    app.handle(key('/'));
    lines = text(app.frame(40, 120));
    expect(lines.some((l) => l.includes('GPU-MEM▲'))).toBe(true);
    const [serve2, , jupyter2] = order();
    expect(jupyter2).toBeLessThan(serve2!);
    app.handle(key('.'));
    expect(text(app.frame(40, 120)).some((l) => l.includes('SM▼'))).toBe(true);
    app.handle(key(','));
    app.handle(key(','));
    expect(text(app.frame(40, 120)).some((l) => l.includes('USER▲'))).toBe(true);
    app.handle(key('o'));
    app.handle(key('P'));
    expect(text(app.frame(40, 120)).some((l) => l.includes('PID▼'))).toBe(true);
  });

  it('shows the help screen on h and ? and returns on any key', () => {
    const { app } = makeApp();
    app.handle(key('h'));
    expect(text(app.frame(40, 120)).some((l) => l.includes('Press any key to return'))).toBe(true);
    expect(app.handle(key('x'))).toBe('redraw');
    expect(text(app.frame(40, 120))[0]).toContain('(Press h for help or q to quit)');
    app.handle(key('?'));
    expect(app.screen).toBe('help');
  });

  it('asks before sending a signal, and sends it to the selected process on confirmation', () => {
    const { app, signals } = makeApp();
    app.handle(key('Down'));
    app.handle(key('Down')); // 200, alice
    expect(app.handle(key('T'))).toBe('redraw');
    const lines = text(app.frame(40, 120));
    expect(lines.some((l) => l.includes('Send signal to process 200(alice)?'))).toBe(true);
    for (const button of ['SIGTERM', 'SIGKILL', 'SIGINT', 'Cancel']) expect(lines.some((l) => l.includes(button))).toBe(true);
    expect(signals).toEqual([]);
    expect(app.handle(key('Enter'))).toBe('refresh');
    expect(signals).toEqual([[200, 'SIGTERM']]);
    // selection cleared afterwards
    expect(app.selectedKey).toBeUndefined();
  });

  it('lets the box pick another signal or cancel', () => {
    const { app, signals } = makeApp();
    app.handle(key('Down'));
    app.handle(key('K'));
    app.handle(key('Right')); // SIGKILL -> SIGINT
    app.handle(key('Enter'));
    expect(signals).toEqual([[100, 'SIGINT']]);
    app.handle(key('Down'));
    app.handle(key('I'));
    app.handle(key('Esc'));
    expect(signals).toHaveLength(1);
    expect(app.selectedKey).toBe('100@0'); // cancelling keeps the selection
    app.handle(key('I'));
    app.handle(key('k')); // the box's own key for SIGKILL
    expect(signals[1]).toEqual([100, 'SIGKILL']);
  });

  it('takes a mouse click on a button of the box', () => {
    const { app, signals } = makeApp();
    app.handle(key('Down'));
    app.handle(key('T'));
    const lines = text(app.frame(40, 120));
    const row = lines.findIndex((l) => l.includes('│ SIGKILL  │'));
    const column = [...lines[row]!].findIndex((_, i, chars) => chars.slice(i, i + 7).join('') === 'SIGKILL');
    app.handle({ type: 'mouse', action: 'press', button: 1, row, column: column + 2, wheel: 0, shift: false, alt: false, ctrl: false });
    expect(signals).toEqual([[100, 'SIGKILL']]);
  });

  it('scrolls the whole screen with PageDown / PageUp when it is taller than the terminal', () => {
    const { app } = makeApp();
    const top = text(app.frame(15, 80));
    app.handle(key('PageDown'));
    app.handle(key('PageDown'));
    const scrolled = text(app.frame(15, 80));
    expect(scrolled[0]).toBe(top[2]);
    app.handle(key('PageUp'));
    expect(text(app.frame(15, 80))[0]).toBe(top[1]);
    // Selecting the last process scrolls it into view.
    expect(text(app.frame(15, 80)).some((l) => l.includes('python serve.py'))).toBe(false);
    app.handle(key('End'));
    expect(text(app.frame(15, 80)).some((l) => l.includes('python serve.py'))).toBe(true);
  });

  it('sends to all tagged processes (Space tags and moves down)', () => {
    const { app, signals } = makeApp();
    app.handle(key('Down'));
    app.handle(key('Space'));
    app.handle(key('Space'));
    app.handle(key('T'));
    expect(text(app.frame(40, 120)).some((l) => l.includes('Send signal to the following processes?'))).toBe(true);
    app.handle(key('t'));
    expect(signals).toEqual([
      [100, 'SIGTERM'],
      [200, 'SIGTERM'],
    ]);
  });

  it('shows a permission error instead of crashing', () => {
    const { app } = makeApp({
      services: {
        sendSignal: (pid) => {
          throw new AccessDeniedError(pid);
        },
      },
    });
    app.handle(key('Down'));
    app.handle(key('T'));
    expect(app.handle(key('Enter'))).toBe('refresh');
    const lines = text(app.frame(40, 120));
    expect(lines.some((l) => l.includes('could not send SIGTERM to 100 (permission denied)'))).toBe(true);
  });

  it('--readonly disables the signal keys and the hint', () => {
    const { app, signals } = makeApp({ readonly: true });
    app.handle(key('Down'));
    expect(app.handle(key('T'))).toBe('none');
    expect(app.handle(key('K'))).toBe('none');
    expect(app.confirm).toBeUndefined();
    expect(text(app.frame(40, 120)).some((l) => l.includes('to send signals'))).toBe(false);
    expect(signals).toEqual([]);
    expect(app.handle(key('C-c'))).toBe('quit');
  });

  it('Ctrl-C quits without a selection and asks for SIGINT with one; q quits', () => {
    const { app } = makeApp();
    expect(app.handle(key('C-c'))).toBe('quit');
    app.handle(key('Down'));
    expect(app.handle(key('C-c'))).toBe('redraw');
    expect(app.confirm?.current).toBe(2);
    app.handle(key('Esc'));
    expect(app.handle(key('q'))).toBe('quit');
  });

  it('selects with a mouse click and moves with the wheel', () => {
    const { app } = makeApp();
    const lines = text(app.frame(40, 120));
    const row = rowOf(lines, 'python serve.py');
    app.handle({ type: 'mouse', action: 'press', button: 1, row, column: 20, wheel: 0, shift: false, alt: false, ctrl: false });
    expect(app.selectedKey).toBe('300@1');
    app.handle({ type: 'mouse', action: 'wheel', button: 0, row, column: 20, wheel: -1, shift: false, alt: false, ctrl: false });
    expect(app.selectedKey).toBe('200@0');
  });

  it('scrolls the host columns with Left/Right (by 2, not past the end) and resets with ^', () => {
    const { app } = makeApp();
    let lines = text(app.frame(40, 80));
    expect(lines[rowOf(lines, 'train.p')]).toMatch(/ 12\.5 {3}0\.7 {2}1:02 {2}python train\.p\.\. │$/);
    app.handle(key('Right'));
    app.handle(key('Right'));
    lines = text(app.frame(40, 80));
    const header = lines.find((l) => l.includes('GPU     PID'))!;
    expect(header).toContain('%GMBW  U  %MEM  TIME  COMMAND');
    expect(lines[rowOf(lines, 'train.p')]).toMatch(/ \.5 {3}0\.7 {2}1:02 {2}python train\.py --l │$/);
    for (let i = 0; i < 20; i += 1) app.handle(key('Right'));
    lines = text(app.frame(40, 80));
    expect(lines[rowOf(lines, 'train.p')]).toMatch(/ 0\.7 {2}1:02 {2}python train\.py --lr 0\.1 │$/);
    app.handle(key('^'));
    expect(app.hostOffset).toBe(-1);
    app.handle(key('$'));
    expect(app.hostOffset).toBeGreaterThan(0);
  });

  it('switches display modes: compact and full device headers', () => {
    const { app } = makeApp();
    app.handle(key('c'));
    expect(text(app.frame(60, 120)).some((l) => l.includes('GPU Fan Temp Perf Pwr:Usg/Cap'))).toBe(true);
    app.handle(key('f'));
    const lines = text(app.frame(60, 120));
    expect(lines.some((l) => l.includes('GPU  Name        Persistence-M'))).toBe(true);
    expect(lines.some((l) => l.includes('╴30s├'))).toBe(true);
    app.handle(key('a'));
    expect(text(app.frame(24, 80)).some((l) => l.includes('GPU Fan Temp Perf'))).toBe(true);
  });

  it('opens the tree view with parents, the environment and the metrics screen, and returns', () => {
    const { app } = makeApp();
    app.handle(key('t'));
    let lines = text(app.frame(30, 100));
    expect(lines[0]).toMatch(/PID\s+USER\s+DEVICE\s+NLWP\s+%CPU\s+%MEM\s+TIME\s+COMMAND/);
    expect(rowOf(lines, 'init')).toBe(1);
    expect(lines.some((l) => l.includes('└─ '))).toBe(true);
    app.handle(key('q'));
    expect(app.screen).toBe('main');
    app.handle(key('Down'));
    app.handle(key('e'));
    lines = text(app.frame(30, 100));
    expect(lines[0]).toContain('Environment of process 100');
    expect(lines.some((l) => l.startsWith('CUDA_VISIBLE_DEVICES=0'))).toBe(true);
    app.handle(key('e'));
    expect(app.screen).toBe('main');
    app.handle(key('Enter'));
    expect(app.screen).toBe('metrics');
    app.update(data({ timestamp: Date.UTC(2026, 4, 20, 12, 0, 2) }));
    lines = text(app.frame(30, 100));
    expect(lines.some((l) => l.includes('CPU: 12.5%'))).toBe(true);
    expect(lines.some((l) => l.includes('GPU-MEM: 1024MiB'))).toBe(true);
    app.handle(key('Esc'));
    expect(app.screen).toBe('main');
  });

  it('--ascii draws with ASCII only (compact host panel, no box drawing, no Braille)', () => {
    const app = new MonitorApp({
      mode: 'full',
      readonly: false,
      render: { ...RENDER, ascii: true },
      services: { sendSignal() {}, environ: () => ({}), buildTree: () => [], now: () => new Date(2026, 4, 20) },
    });
    app.update(data());
    app.handle(key('Down'));
    const lines = text(app.frame(50, 120));
    expect(lines.join('\n')).not.toMatch(/[^\x20-\x7e\n]/);
    expect(lines.some((l) => l.startsWith('+==='))).toBe(true);
    expect(lines.some((l) => l.includes('[ CPU: '))).toBe(true);
  });

  it('below 79 columns shows nvitop’s message', () => {
    const { app } = makeApp();
    const lines = text(app.frame(24, 70));
    expect(lines.join('\n')).toContain('nvitop needs at least a width of 79 to render, the');
    expect(lines.join(' ').replace(/[│\s]+/g, ' ')).toContain('current width is 70.');
  });

  it('keeps running when a process goes away and a device is lost', () => {
    const { app } = makeApp();
    app.handle(key('End'));
    const lost = device({ index: 1, name: 'ERROR: GPU is Lost', used: NA, total: NA, gpu: NA, temperature: NA, powerUsage: NA, powerLimit: NA });
    app.update(status([{ device: device({ index: 0 }), migDevices: [] }, { device: lost, migDevices: [] }], data().processes.slice(0, 1)));
    const lines = text(app.frame(40, 120));
    expect(lines.some((l) => l.includes('python serve.py'))).toBe(false);
    expect(app.selectedKey).toBeUndefined();
    expect(lines.some((l) => /N\/A \/ N\/A/.test(l))).toBe(true);
  });
});

describe('the container column key (p)', () => {
  it('cycles off → beside → instead → off, asking for a refresh each time; the panel shows the column the data carries', () => {
    const { app } = makeApp();
    expect(app.containerColumn).toBe('off');
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect(app.handle(key('p'))).toBe('refresh');
      seen.push(app.containerColumn);
    }
    expect(seen).toEqual(['beside', 'instead', 'off']);
    // A refresh with containers: the gatherer fills `container` and says where the column goes.
    app.handle(key('p'));
    const withContainers = data();
    app.update({
      ...withContainers,
      containerColumn: app.containerColumn,
      processes: withContainers.processes.map((p, i) => ({
        ...p,
        container: i === 0 ? { inContainer: true, runtime: 'containerd', id: NA, podUid: NA, qosClass: NA, podName: 'train-0', podNamespace: 'ml', containerName: 'trainer', slurmJobId: NA, slurmStep: NA, cgroupPath: '/', label: 'ml/train-0/trainer' } : NA,
      })),
    } as ReturnType<typeof data>);
    const lines = text(app.frame(40, 140));
    expect(lines.some((l) => /TIME {2}CONTAINER {11}COMMAND/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('ml/train-0/trainer  python train.py --lr 0.1'))).toBe(true);
  });
});
