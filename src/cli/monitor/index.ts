/**
 * The live monitor (`nvitop` in a terminal): takes over the terminal, refreshes the data every
 * `interval` seconds on an unref'd timer, answers keys and the mouse, and always gives the
 * terminal back: on `q`, Ctrl-C (without a selection), SIGTERM, SIGHUP, or an uncaught error
 * (printed on the normal screen afterwards, exit code 1). Job control works as in full-screen
 * programs: on SIGTSTP (`kill -TSTP`, or Ctrl-Z, which raw mode delivers as a key) it gives the
 * terminal back before it stops; on SIGCONT (`fg`) it takes it again and redraws everything.
 *
 * @module
 */
import { HostProcess } from '../../core/index.js';
import type { StatusData } from '../render/types.js';
import { MonitorApp, type AppAction, type AppServices } from './app.js';
import { decodeKeys } from './keys.js';
import { resolveMonitorOptions, type MonitorOptions } from './options.js';
import { Painter } from './painter.js';
import { Terminal } from './terminal.js';
import { buildProcessTree } from './tree.js';
import { unexpectedErrorText } from '../unexpected-error.js';

export type { MonitorMode, MonitorOptions } from './options.js';

const ESC_DELAY_MS = 25;

/** Every device and every GPU process, unfiltered (when the caller passes no `gather`). */
async function defaultGather(): Promise<NonNullable<MonitorOptions['gather']>> {
  const { createGatherer } = await import('../gather.js');
  const gather = createGatherer({});
  return (request) => gather({ detail: 'table', clocks: true, containers: request?.containers ?? 'off' }).data;
}
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGTERM: 143, SIGHUP: 129 };

/** The real world: signals, environments and the process tree from the core API. */
const realServices: AppServices = {
  sendSignal: (pid, signal) => HostProcess.get(pid).sendSignal(signal),
  environ: (pid) => HostProcess.get(pid).environ(),
  buildTree: (processes) => buildProcessTree(processes),
  now: () => new Date(),
};

/**
 * Run the monitor until the user quits. Resolves to the exit code: 0 after `q`, 128 + n after
 * SIGTERM / SIGHUP, 1 after an error (which is printed to stderr once the terminal is restored).
 *
 * @example
 * ```ts
 * import { runMonitor } from './cli/monitor/index.js';
 * process.exitCode = await runMonitor({ mode: 'auto', interval: 2 });
 * ```
 */
export async function runMonitor(options: MonitorOptions = {}): Promise<number> {
  const resolved = resolveMonitorOptions(options);
  const terminal = new Terminal(options.input ?? process.stdin, options.output ?? process.stdout);
  const painter = new Painter((s) => terminal.write(s), { light: resolved.render.light, noColor: resolved.noColor });
  const gather = options.gather ?? (await defaultGather());
  const app = new MonitorApp({
    mode: resolved.mode,
    readonly: resolved.readonly,
    render: resolved.render,
    services: realServices,
    containers: options.containers ?? 'off',
  });

  return await new Promise<number>((resolve) => {
    let finished = false;
    let pending = '';
    let escTimer: NodeJS.Timeout | undefined;
    let followUp: NodeJS.Timeout | undefined;
    let size = terminal.size();

    const paint = (): void => {
      if (finished) return;
      painter.paint(app.frame(size.rows, size.columns));
    };
    const refresh = (): void => {
      if (finished) return;
      const data: StatusData = gather({ containers: app.containerColumn });
      app.update(data);
      paint();
    };
    const guarded = (fn: () => void) => (): void => {
      try {
        fn();
      } catch (error) {
        finish(1, error);
      }
    };

    const onResize = guarded(() => {
      size = terminal.size();
      painter.resize(size.rows, size.columns);
      paint();
    });
    const act = (action: AppAction): void => {
      if (action === 'quit') finish(0);
      else if (action === 'refresh') {
        painter.invalidate();
        refresh();
        clearTimeout(followUp);
        followUp = setTimeout(guarded(refresh), 300);
        followUp.unref();
      } else if (action === 'redraw') paint();
    };
    const feed = (flush: boolean): void => {
      const { events, pending: rest } = decodeKeys(pending, flush);
      pending = rest;
      for (const event of events) {
        if (finished) return;
        if (event.type === 'key' && event.name === 'C-z') onSuspend();
        else act(app.handle(event));
      }
      clearTimeout(escTimer);
      if (pending.length > 0) {
        escTimer = setTimeout(guarded(() => feed(true)), ESC_DELAY_MS);
      }
    };
    const onData = (chunk: string | Buffer): void => {
      pending += chunk.toString();
      guarded(() => feed(false))();
    };
    // Job control. Stopping: give the terminal back (main screen, cursor, no mouse, cooked mode),
    // then stop for real with the signal's default action. Continuing (here, or on SIGCONT after a
    // SIGSTOP that could not be caught): take the terminal again and repaint every cell. The kernel
    // discards a SIGTSTP sent to an orphaned process group (no job-control shell to continue it);
    // then the monitor simply takes the terminal back at once.
    const resume = guarded(() => {
      if (finished) return;
      if (!process.listeners('SIGTSTP').includes(onSuspend)) process.on('SIGTSTP', onSuspend);
      terminal.enter();
      size = terminal.size();
      painter.resize(size.rows, size.columns);
      painter.invalidate();
      paint();
    });
    function onSuspend(): void {
      if (finished) return;
      terminal.restore();
      process.off('SIGTSTP', onSuspend); // the default action (stop) again
      process.kill(process.pid, 'SIGTSTP');
      setImmediate(resume); // runs once continued (or at once if the kernel discarded the signal)
    }
    const onContinue = (): void => resume();
    const onSigint = guarded(() => act(app.handle({ type: 'key', name: 'C-c' })));
    const onSignal = (signal: NodeJS.Signals): void => finish(SIGNAL_EXIT[signal] ?? 1);
    const onError = (error: unknown): void => finish(1, error);
    const onExit = (): void => terminal.restore();
    const onEnd = (): void => finish(0);

    const timer = setInterval(guarded(refresh), Math.max(250, resolved.interval * 1000));
    timer.unref();

    function finish(code: number, error?: unknown): void {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(escTimer);
      clearTimeout(followUp);
      terminal.input.off('data', onData);
      terminal.input.off('end', onEnd);
      terminal.output.off('resize', onResize);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('SIGTSTP', onSuspend);
      process.off('SIGCONT', onContinue);
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
      process.off('exit', onExit);
      terminal.restore();
      if (error !== undefined) {
        process.stderr.write(`nvitop: ${unexpectedErrorText(error)}\n`);
      }
      resolve(code);
    }

    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    process.on('SIGTSTP', onSuspend);
    process.on('SIGCONT', onContinue);
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    process.on('exit', onExit);
    try {
      terminal.enter();
      terminal.input.on('data', onData);
      terminal.input.once('end', onEnd);
      terminal.output.on('resize', onResize);
      painter.resize(size.rows, size.columns);
      refresh();
    } catch (error) {
      finish(1, error);
    }
  });
}
