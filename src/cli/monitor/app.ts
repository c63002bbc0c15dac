/**
 * The monitor's state machine: which screen is shown, the display mode, the sort order, the
 * selection and tags, scrolling, the confirmation box; what each key and mouse event does; and
 * what each screen looks like. No terminal I/O here: {@link MonitorApp.handle} returns what the
 * loop must do next, {@link MonitorApp.frame} returns the picture, so tests can drive it directly.
 *
 * @module
 */
import { isNA, type GpuProcessSnapshot } from '../../core/index.js';
import { sortNatural } from '../render/process-panel.js';
import type { RenderOptions, StatusData } from '../render/types.js';
import type { ContainerColumn } from '../args.js';
import { Canvas } from './canvas.js';
import { MonitorHistories } from './histories.js';
import { boundCommands, commandFor, type KeyCommand, type KeyScreen } from './key-map.js';
import type { InputEvent, MouseEvent } from './keys.js';
import type { MonitorMode } from './options.js';
import { isOwned, maxHostOffset, processKey } from './panels/process.js';
import { buttonAt, CANCEL, CONFIRM_OPTIONS, drawConfirm, type ConfirmState, type MonitorSignal } from './screens/confirm.js';
import { drawEnviron } from './screens/environ.js';
import { drawHelp } from './screens/help.js';
import { drawMain } from './screens/main.js';
import { drawMetrics, ProcessMetrics } from './screens/metrics.js';
import { drawNarrow } from './screens/narrow.js';
import { drawTreeView } from './screens/tree.js';
import { cycleOrder, orderForKey, sortProcesses, type OrderName } from './sort.js';
import type { TreeRow } from './tree.js';
import { toAscii } from './text.js';

/** The screens. */
export type ScreenName = 'main' | 'help' | 'environ' | 'tree' | 'metrics';

/** What the loop must do after an event. */
export type AppAction = 'none' | 'redraw' | 'refresh' | 'quit';

/** What the app needs from the outside world (replaced by fakes in tests). */
export interface AppServices {
  /** Send a signal to a PID (throws `AccessDeniedError`, `NoSuchProcessError`, …). */
  sendSignal(pid: number, signal: MonitorSignal): void;
  /** A process's environment (throws when it cannot be read). */
  environ(pid: number): Record<string, string>;
  /** The tree view's rows for these GPU processes. */
  buildTree(processes: readonly GpuProcessSnapshot[]): TreeRow[];
  /** The current time. */
  now(): Date;
}

/** Options of {@link MonitorApp}. */
export interface AppOptions {
  /** Initial display mode. */
  readonly mode: MonitorMode;
  /** Signal keys disabled. */
  readonly readonly: boolean;
  /** Render options. */
  readonly render: Omit<RenderOptions, 'width'>;
  /** The outside world. */
  readonly services: AppServices;
  /** Initial container column (`--containers`); default `'off'`. */
  readonly containers?: ContainerColumn;
}

const BIG = 1 << 20;
const MESSAGE_MS = 5000;

interface Target {
  readonly pid: number;
  readonly username: string;
}

/**
 * The monitor's state and behaviour.
 *
 * @example
 * ```ts
 * const app = new MonitorApp({ mode: 'auto', readonly: false, render, services });
 * app.update(gather());
 * app.handle({ type: 'key', name: 'Down' }); // 'redraw'
 * painter.paint(app.frame(24, 80).toLines());
 * ```
 */
export class MonitorApp {
  /** The screen shown. */
  screen: ScreenName = 'main';
  /** Display mode of the main screen. */
  mode: MonitorMode;
  /** Sort order. */
  order: OrderName = 'natural';
  /** Sort order reversed. */
  reverse = false;
  /** Horizontal scroll of the host columns (-1: none). */
  hostOffset = -1;
  /** Vertical scroll of the main screen. */
  scroll = 0;
  /** Key of the selected process. */
  selectedKey: string | undefined;
  /** Tagged processes by PID. */
  readonly tagged = new Map<number, Target>();
  /** Open confirmation box. */
  confirm: (ConfirmState & { readonly from: ScreenName }) | undefined;
  /** Last status data. */
  data: StatusData | undefined;
  /** Processes in display order. */
  processes: GpuProcessSnapshot[] = [];
  /** History graphs. */
  readonly histories = new MonitorHistories();

  private previous: ScreenName = 'main';
  private pendingOrder = false;
  private message: { text: string; until: number } | undefined;
  private tree = { rows: [] as TreeRow[], selectedPid: undefined as number | undefined, scroll: 0, xOffset: 0 };
  private environ = { pid: 0, command: '', entries: [] as [string, string][] | string, scroll: 0, xOffset: 0, from: 'main' as ScreenName };
  private metrics: ProcessMetrics | undefined;
  private layout = { rows: 24, columns: 80, processRows: new Map<number, string>() as ReadonlyMap<number, string> };

  /**
   * @param options mode, readonly, render options, services
   * @example
   * ```ts
   * new MonitorApp({ mode: 'full', readonly: true, render, services });
   * ```
   */
  constructor(private readonly options: AppOptions) {
    this.mode = options.mode;
    this.containerColumn = options.containers ?? 'off';
  }

  /**
   * Where the process table shows containers; the `p` key cycles off → beside → instead → off.
   * The caller gathers with it (containers are read only when it is not `'off'`).
   */
  containerColumn: ContainerColumn;

  /**
   * Take a refresh's data: re-sort, keep the selection on the same process (cleared when it is
   * gone), feed the graphs, rebuild the tree view when it is shown.
   *
   * @example
   * ```ts
   * app.update(gather());
   * ```
   */
  update(data: StatusData): void {
    this.data = data;
    this.histories.update(data);
    this.resort();
    if (this.selectedKey !== undefined && !this.processes.some((p) => processKey(p) === this.selectedKey)) {
      this.selectedKey = undefined;
    }
    this.metrics?.update(data);
    if (this.screen === 'tree' || (this.screen === 'help' && this.previous === 'tree')) this.rebuildTree();
  }

  private resort(): void {
    const processes = this.data?.processes ?? [];
    // The natural ascending order is the shared renderer's (the once mode's).
    this.processes = this.order === 'natural' && !this.reverse ? sortNatural(processes) : sortProcesses(processes, this.order, this.reverse);
  }

  private get currentUser(): string {
    return this.data?.currentUser ?? '';
  }

  // ------------------------------------------------------------------ events

  /**
   * Handle one key or mouse event.
   *
   * @example
   * ```ts
   * app.handle({ type: 'key', name: 'q' }); // 'quit'
   * ```
   */
  handle(event: InputEvent): AppAction {
    if (this.message !== undefined && event.type === 'key') this.message = undefined;
    if (this.confirm !== undefined) return this.handleConfirm(event);
    if (event.type === 'mouse') return this.handleMouse(event);
    if (this.screen === 'help') {
      this.screen = this.previous === 'help' ? 'main' : this.previous;
      if (this.screen === 'tree') this.rebuildTree();
      return 'redraw';
    }
    if (this.screen === 'main' && this.pendingOrder) {
      this.pendingOrder = false;
      const choice = orderForKey(event.name);
      if (choice !== undefined) {
        this.setOrder(choice.order, choice.reverse);
        return 'redraw';
      }
    }
    return this.run(this.screen, event.name);
  }

  /** Runs the command `key` is bound to on `screen` (see key-map.ts). */
  private run(screen: KeyScreen, key: string): AppAction {
    const command = commandFor(screen, key);
    const handler = command === undefined ? undefined : this.commands[screen][command];
    return handler === undefined ? 'none' : handler();
  }

  /**
   * Whether every command the key map binds has a handler here (a test checks it).
   *
   * @internal
   */
  unhandledCommands(): string[] {
    const screens: KeyScreen[] = ['main', 'tree', 'environ', 'metrics', 'confirm'];
    return screens.flatMap((screen) => boundCommands(screen).filter((command) => this.commands[screen][command] === undefined).map((command) => `${screen}:${command}`));
  }

  /** What each command does on each screen. */
  private readonly commands: Readonly<Record<KeyScreen, Partial<Record<KeyCommand, () => AppAction>>>> = {
    main: {
      quit: () => 'quit',
      help: () => this.showHelp(),
      modeAuto: () => this.setMode('auto'),
      modeFull: () => this.setMode('full'),
      modeCompact: () => this.setMode('compact'),
      containers: () => {
        this.containerColumn = this.containerColumn === 'off' ? 'beside' : this.containerColumn === 'beside' ? 'instead' : 'off';
        return 'refresh';
      },
      refresh: () => {
        this.clearSelection();
        this.hostOffset = -1;
        this.scroll = 0;
        return 'refresh';
      },
      pageUp: () => this.redraw(() => (this.scroll = Math.max(0, this.scroll - 1))),
      pageDown: () => this.redraw(() => (this.scroll += 1)),
      left: () => this.scrollHost(-2),
      right: () => this.scrollHost(+2),
      lineStart: () => this.redraw(() => (this.hostOffset = -1)),
      lineEnd: () => this.redraw(() => (this.hostOffset = this.maxHostOffset())),
      up: () => this.move(-1),
      down: () => this.move(+1),
      first: () => this.move(-BIG),
      last: () => this.move(+BIG),
      clear: () => this.redraw(() => this.clearSelection()),
      tag: () => {
        this.toggleTag();
        return this.move(+1);
      },
      sigterm: () => this.askSignal('SIGTERM', 'main'),
      sigkill: () => this.askSignal('SIGKILL', 'main'),
      sigint: () => this.askSignal('SIGINT', 'main'),
      interrupt: () => {
        const action = this.askSignal('SIGINT', 'main');
        return this.confirm === undefined ? 'quit' : action;
      },
      orderPrevious: () => this.redraw(() => this.setOrder(cycleOrder(this.order, -1), false)),
      orderNext: () => this.redraw(() => this.setOrder(cycleOrder(this.order, +1), false)),
      orderReverse: () => this.redraw(() => this.setOrder(this.order, !this.reverse)),
      orderPrefix: () => {
        this.pendingOrder = true;
        return 'none';
      },
      environ: () => this.openEnviron('main'),
      tree: () => this.openTree(),
      metrics: () => this.openMetrics(),
    },
    tree: {
      back: () => this.closeTree(),
      help: () => this.showHelp(),
      environ: () => this.openEnviron('tree'),
      up: () => this.treeMove(-1),
      down: () => this.treeMove(+1),
      pageUp: () => this.treeMove(-this.page()),
      pageDown: () => this.treeMove(+this.page()),
      first: () => this.treeMove(-BIG),
      last: () => this.treeMove(+BIG),
      left: () => this.treeScrollX(-2),
      right: () => this.treeScrollX(+2),
      lineStart: () => this.redraw(() => (this.tree.xOffset = 0)),
      clear: () =>
        this.redraw(() => {
          this.tree.selectedPid = undefined;
          this.tagged.clear();
        }),
      tag: () => {
        const row = this.tree.rows.find((r) => r.pid === this.tree.selectedPid);
        if (row !== undefined) {
          if (this.tagged.has(row.pid)) this.tagged.delete(row.pid);
          else this.tagged.set(row.pid, { pid: row.pid, username: isNA(row.username) ? 'N/A' : row.username });
        }
        return this.treeMove(+1);
      },
      sigterm: () => this.askSignal('SIGTERM', 'tree'),
      sigkill: () => this.askSignal('SIGKILL', 'tree'),
      sigint: () => this.askSignal('SIGINT', 'tree'),
      refresh: () => 'refresh',
    },
    environ: {
      back: () => {
        this.screen = this.environ.from;
        if (this.screen === 'tree') this.rebuildTree();
        return 'redraw';
      },
      help: () => this.showHelp(),
      refresh: () => this.redraw(() => (this.environ.entries = this.readEnviron(this.environ.pid))),
      up: () => this.environScroll(-1),
      down: () => this.environScroll(+1),
      pageUp: () => this.environScroll(-this.page()),
      pageDown: () => this.environScroll(+this.page()),
      first: () => this.environScroll(-BIG),
      last: () => this.environScroll(+BIG),
      left: () => this.redraw(() => (this.environ.xOffset = Math.max(0, this.environ.xOffset - 2))),
      right: () => this.redraw(() => (this.environ.xOffset += 2)),
      lineStart: () => this.redraw(() => (this.environ.xOffset = 0)),
    },
    metrics: {
      back: () => {
        this.metrics = undefined;
        this.screen = 'main';
        return 'redraw';
      },
      help: () => this.showHelp(),
      environ: () => this.openEnviron('metrics'),
    },
    confirm: {
      cancel: () => this.applyConfirm(CANCEL),
      accept: () => this.applyConfirm(this.confirm?.current ?? CANCEL),
      buttonPrevious: () => this.moveButton(-1),
      buttonNext: () => this.moveButton(+1),
    },
  };

  private redraw(change: () => unknown): AppAction {
    change();
    return 'redraw';
  }

  private setMode(mode: MonitorMode): AppAction {
    this.mode = mode;
    return 'redraw';
  }

  /** Rows a page key moves on the full-screen lists (tree, environment). */
  private page(): number {
    return Math.max(1, this.layout.rows - 2);
  }

  private showHelp(): AppAction {
    this.previous = this.screen;
    this.screen = 'help';
    return 'redraw';
  }

  private setOrder(order: OrderName, reverse: boolean): void {
    this.order = order;
    this.reverse = reverse;
    this.resort();
  }

  private maxHostOffset(): number {
    return maxHostOffset(this.processes, Math.max(79, this.layout.columns));
  }

  private scrollHost(delta: number): AppAction {
    this.hostOffset = Math.min(Math.max(-1, this.hostOffset + delta), Math.max(-1, this.maxHostOffset()));
    return 'redraw';
  }

  private clearSelection(): void {
    this.selectedKey = undefined;
    this.tagged.clear();
  }

  private selectedProcess(): GpuProcessSnapshot | undefined {
    return this.processes.find((p) => processKey(p) === this.selectedKey);
  }

  private move(direction: number): AppAction {
    const n = this.processes.length;
    if (n === 0) {
      this.selectedKey = undefined;
      return 'redraw';
    }
    const current = this.processes.findIndex((p) => processKey(p) === this.selectedKey);
    let index: number;
    if (current < 0) {
      if (Math.abs(direction) < BIG) index = direction > 0 ? 0 : n - 1;
      else index = direction > 0 ? n - 1 : 0;
    } else {
      index = Math.min(Math.max(0, current + direction), n - 1);
    }
    this.selectedKey = processKey(this.processes[index] as GpuProcessSnapshot);
    return 'redraw';
  }

  private toggleTag(): void {
    const p = this.selectedProcess();
    if (p === undefined) return;
    if (this.tagged.has(p.pid)) this.tagged.delete(p.pid);
    else this.tagged.set(p.pid, { pid: p.pid, username: isNA(p.username) ? 'N/A' : p.username });
  }

  // ------------------------------------------------------------------ signals

  private targets(from: ScreenName): Target[] {
    if (this.tagged.size > 0) return [...this.tagged.values()].sort((a, b) => a.pid - b.pid);
    if (from === 'tree') {
      const row = this.tree.rows.find((r) => r.pid === this.tree.selectedPid);
      if (row === undefined || row.gone || !isOwned({ username: row.username }, this.currentUser, this.data?.superuser === true)) return [];
      return [{ pid: row.pid, username: isNA(row.username) ? 'N/A' : row.username }];
    }
    const p = this.selectedProcess();
    if (p === undefined || !isOwned(p, this.currentUser, this.data?.superuser === true)) return [];
    return [{ pid: p.pid, username: isNA(p.username) ? 'N/A' : p.username }];
  }

  private askSignal(signal: MonitorSignal, from: ScreenName): AppAction {
    if (this.options.readonly) return 'none';
    const targets = this.targets(from);
    if (targets.length === 0) return 'none';
    const current = CONFIRM_OPTIONS.findIndex((o) => o.signal === signal);
    this.confirm = { targets, current, from };
    return 'redraw';
  }

  private handleConfirm(event: InputEvent): AppAction {
    const confirm = this.confirm as NonNullable<MonitorApp['confirm']>;
    const count = CONFIRM_OPTIONS.length;
    if (event.type === 'mouse') {
      if (event.action === 'wheel') {
        confirm.current = (confirm.current + event.wheel + count) % count;
        return 'redraw';
      }
      if (event.action === 'press' && (event.button === 1 || event.button === 3)) {
        const index = buttonAt(confirm, this.layout.rows, this.layout.columns, event.row, event.column);
        if (index !== undefined) return this.applyConfirm(index);
      }
      return 'none';
    }
    const name = event.name;
    const byKey = CONFIRM_OPTIONS.findIndex((o) => o.key === name.toLowerCase() && name.length === 1);
    if (byKey >= 0) return this.applyConfirm(byKey);
    if (/^[1-4]$/.test(name)) return this.applyConfirm(Number(name) - 1);
    return this.run('confirm', name);
  }

  private moveButton(direction: 1 | -1): AppAction {
    const confirm = this.confirm as NonNullable<MonitorApp['confirm']>;
    const count = CONFIRM_OPTIONS.length;
    confirm.current = (confirm.current + direction + count) % count;
    return 'redraw';
  }

  private applyConfirm(index: number): AppAction {
    const confirm = this.confirm as NonNullable<MonitorApp['confirm']>;
    this.confirm = undefined;
    const signal = CONFIRM_OPTIONS[index]?.signal;
    if (signal === undefined) return 'redraw';
    const failures: string[] = [];
    for (const target of confirm.targets) {
      try {
        this.options.services.sendSignal(target.pid, signal);
      } catch (error) {
        const kind = (error as Error).name;
        if (kind === 'NoSuchProcessError') continue;
        failures.push(`${target.pid} (${kind === 'AccessDeniedError' ? 'permission denied' : (error as Error).message})`);
      }
    }
    this.clearSelection();
    if (confirm.from === 'tree') this.tree.selectedPid = undefined;
    if (failures.length > 0) {
      this.message = { text: `ERROR: could not send ${signal} to ${failures.join(', ')}`, until: Date.now() + MESSAGE_MS };
    }
    return 'refresh';
  }

  // ------------------------------------------------------------------ mouse

  private handleMouse(event: MouseEvent): AppAction {
    if (this.screen === 'help') {
      if (event.action === 'release') return 'none';
      this.screen = this.previous;
      return 'redraw';
    }
    if (this.screen === 'tree') {
      if (event.action === 'wheel') {
        if (event.shift) return this.treeScrollX(2 * event.wheel);
        return this.treeMove(event.wheel * (event.ctrl ? 5 : 1));
      }
      if (event.action === 'press' && (event.button === 1 || event.button === 3)) {
        const index = this.tree.scroll + event.row - 1;
        const row = this.tree.rows[index];
        if (event.row >= 1 && row !== undefined) this.tree.selectedPid = row.pid;
        return 'redraw';
      }
      return 'none';
    }
    if (this.screen !== 'main') return 'none';
    if (event.action === 'wheel') {
      if (event.shift) return this.scrollHost(2 * event.wheel);
      return this.move(event.wheel * (event.ctrl ? 5 : 1));
    }
    if (event.action === 'press' && (event.button === 1 || event.button === 3)) {
      const key = this.layout.processRows.get(event.row + this.scroll);
      if (key !== undefined) {
        this.selectedKey = key;
        return 'redraw';
      }
    }
    return 'none';
  }

  // ------------------------------------------------------------------ other screens

  private openEnviron(from: ScreenName): AppAction {
    let pid: number | undefined;
    let command = '';
    if (from === 'tree') {
      const row = this.tree.rows.find((r) => r.pid === this.tree.selectedPid);
      pid = row?.pid;
      command = row?.command ?? '';
    } else {
      const p = from === 'metrics' ? this.metrics?.last : this.selectedProcess();
      pid = p?.pid;
      command = p?.command ?? '';
    }
    if (pid === undefined) return 'none';
    this.environ = { pid, command, entries: this.readEnviron(pid), scroll: 0, xOffset: 0, from };
    this.screen = 'environ';
    return 'redraw';
  }

  private readEnviron(pid: number): [string, string][] | string {
    try {
      return Object.entries(this.options.services.environ(pid)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (error) {
      const kind = (error as Error).name;
      if (kind === 'AccessDeniedError') return `No permission to read the environment of process ${pid}.`;
      if (kind === 'NoSuchProcessError') return `Process ${pid} does not exist any more.`;
      return `Could not read the environment of process ${pid}: ${(error as Error).message}`;
    }
  }

  private rebuildTree(): void {
    this.tree.rows = this.options.services.buildTree(this.data?.processes ?? []);
    if (this.tree.selectedPid !== undefined && !this.tree.rows.some((r) => r.pid === this.tree.selectedPid)) {
      this.tree.selectedPid = undefined;
    }
  }

  private openTree(): AppAction {
    if (this.data === undefined) return 'none';
    this.rebuildTree();
    const p = this.selectedProcess();
    this.tree.selectedPid = p?.pid;
    this.tree.scroll = 0;
    this.selectedKey = undefined;
    this.screen = 'tree';
    return 'redraw';
  }

  private treeMove(direction: number): AppAction {
    const rows = this.tree.rows;
    if (rows.length === 0) return 'none';
    const current = rows.findIndex((r) => r.pid === this.tree.selectedPid);
    let index: number;
    if (current < 0) index = direction > 0 ? (Math.abs(direction) < BIG ? 0 : rows.length - 1) : Math.abs(direction) < BIG ? rows.length - 1 : 0;
    else index = Math.min(Math.max(0, current + direction), rows.length - 1);
    this.tree.selectedPid = (rows[index] as TreeRow).pid;
    return 'redraw';
  }

  private treeScrollX(delta: number): AppAction {
    this.tree.xOffset = Math.max(0, this.tree.xOffset + delta);
    return 'redraw';
  }

  private closeTree(): AppAction {
    const row = this.tree.rows.find((r) => r.pid === this.tree.selectedPid);
    const p = row === undefined ? undefined : this.processes.find((q) => q.pid === row.pid);
    this.selectedKey = p === undefined ? undefined : processKey(p);
    this.tree.selectedPid = undefined;
    this.screen = 'main';
    return 'redraw';
  }

  private environScroll(delta: number): AppAction {
    const env = this.environ;
    const count = typeof env.entries === 'string' ? 0 : env.entries.length;
    env.scroll = Math.min(Math.max(0, count - this.page()), Math.max(0, env.scroll + delta));
    return 'redraw';
  }

  private openMetrics(): AppAction {
    const p = this.selectedProcess();
    if (p === undefined || this.data === undefined) return 'none';
    this.metrics = new ProcessMetrics(processKey(p), this.data);
    this.screen = 'metrics';
    return 'redraw';
  }

  // ------------------------------------------------------------------ drawing

  /**
   * The picture of the current screen for a terminal of `rows` × `columns`.
   *
   * @example
   * ```ts
   * app.frame(24, 80).rowText(0);
   * ```
   */
  frame(rows: number, columns: number): Canvas {
    this.layout = { ...this.layout, rows, columns };
    if (columns < 79) return this.finish(drawNarrow(rows, columns));
    let canvas: Canvas;
    const width = columns;
    switch (this.screen) {
      case 'help':
        canvas = drawHelp(rows, width, { readonly: this.options.readonly, version: this.data?.version });
        break;
      case 'environ':
        canvas = drawEnviron(rows, width, { ...this.environ, environ: this.environ.entries });
        break;
      case 'tree':
        canvas = this.drawTree(rows, width);
        break;
      case 'metrics':
        canvas = this.metrics === undefined
          ? drawHelp(rows, width, { readonly: this.options.readonly })
          : drawMetrics(rows, width, this.metrics, this.currentUser, this.data?.hostname ?? '');
        break;
      default:
        canvas = this.drawMainScreen(rows, width);
    }
    if (this.confirm !== undefined) {
      canvas.mapStyles((s) => ({ ...s, dim: true, bold: false }));
      drawConfirm(canvas, this.confirm, 0);
    }
    return this.finish(canvas);
  }

  private finish(canvas: Canvas): Canvas {
    if (!this.options.render.ascii) return canvas;
    const out = new Canvas(canvas.rows, canvas.columns);
    canvas.toLines().forEach((line, row) => {
      let x = 0;
      for (const segment of line) x = out.text(row, x, toAscii(segment.text), segment.style);
    });
    return out;
  }

  private drawMainScreen(rows: number, width: number): Canvas {
    const drawing = drawMain({
      data: this.data,
      processes: this.processes,
      rows,
      width,
      mode: this.mode,
      render: this.options.render,
      histories: this.histories,
      order: this.order,
      reverse: this.reverse,
      hostOffset: this.hostOffset,
      selection: { key: this.selectedKey, tagged: new Set(this.tagged.keys()) },
      readonly: this.options.readonly,
      now: this.options.services.now(),
    });
    const content = drawing.canvas;
    if (drawing.selectedRow !== undefined) {
      if (drawing.selectedRow < this.scroll) this.scroll = drawing.selectedRow;
      if (drawing.selectedRow >= this.scroll + rows) this.scroll = drawing.selectedRow - rows + 1;
    }
    this.scroll = Math.min(Math.max(0, this.scroll), Math.max(0, content.rows - rows));
    if (this.message !== undefined) {
      if (Date.now() > this.message.until) this.message = undefined;
      else {
        content.text(drawing.hintRow, 0, ' '.repeat(width));
        content.text(drawing.hintRow, 1, this.message.text.slice(0, width - 2), { fg: 'red', bold: true });
      }
    }
    this.layout = { ...this.layout, processRows: drawing.processRows };
    return content.window(this.scroll, rows);
  }

  private drawTree(rows: number, width: number): Canvas {
    const index = this.tree.rows.findIndex((r) => r.pid === this.tree.selectedPid);
    const visible = rows - 1;
    if (index >= 0) {
      if (index < this.tree.scroll) this.tree.scroll = index;
      if (index >= this.tree.scroll + visible) this.tree.scroll = index - visible + 1;
    }
    this.tree.scroll = Math.min(Math.max(0, this.tree.scroll), Math.max(0, this.tree.rows.length - visible));
    const canvas = drawTreeView(rows, width, {
      rows: this.tree.rows,
      selected: index >= 0 ? index : undefined,
      scroll: this.tree.scroll,
      xOffset: this.tree.xOffset,
      tagged: new Set(this.tagged.keys()),
    });
    if (this.message !== undefined) {
      if (Date.now() > this.message.until) this.message = undefined;
      else canvas.text(rows - 1, 0, this.message.text.padEnd(width).slice(0, width), { fg: 'red', bold: true });
    }
    return canvas;
  }
}
