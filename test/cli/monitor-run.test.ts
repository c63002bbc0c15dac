// runMonitor in-process with fake terminal streams: the terminal is taken over and given back,
// and an error thrown while refreshing ends the monitor with exit code 1, the terminal restored,
// the error printed afterwards.
import { PassThrough, Writable } from 'node:stream';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { runMonitor } from '../../src/cli/monitor/index.js';
import type { StatusData } from '../../src/cli/render/types.js';
import { VtScreen } from '../helpers/vt-screen.js';
import { device, proc, status } from './status-fixture.js';

class FakeInput extends PassThrough {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.raw.push(mode);
    return this;
  }
}

class FakeOutput extends Writable {
  isTTY = true;
  columns = 100;
  rows = 30;
  data = '';
  screen = new VtScreen(30, 100);
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.data += chunk.toString();
    this.screen.write(chunk.toString());
    callback();
  }
}

const DATA = (): StatusData => status([{ device: device({ index: 0 }), migDevices: [] }], [proc({ pid: 4321, device: '0', command: 'python train.py' })]);

function streams() {
  const input = new FakeInput();
  const output = new FakeOutput();
  return { input, output, io: { input: input as unknown as NodeJS.ReadStream, output: output as unknown as NodeJS.WriteStream } };
}

afterEach(() => vi.restoreAllMocks());

describe('runMonitor', () => {
  it('takes the terminal over, draws, and gives it back on q', async () => {
    const { input, output, io } = streams();
    const done = runMonitor({ ...io, gather: DATA, interval: 1 });
    await vi.waitFor(() => expect(output.screen.lines().some((l) => l.includes('python train.py'))).toBe(true));
    expect(output.screen.modes.get('?1049')).toBe(true);
    expect(output.screen.modes.get('?25')).toBe(false);
    expect(output.screen.modes.get('?1006')).toBe(true);
    expect(input.raw).toEqual([true]);
    input.write('q');
    expect(await done).toBe(0);
    expect(input.raw).toEqual([true, false]);
    expect(output.screen.modes.get('?1049')).toBe(false);
    expect(output.screen.modes.get('?25')).toBe(true);
    expect(output.screen.modes.get('?1000')).toBe(false);
    expect(output.screen.modes.get('?7')).toBe(true);
  });

  it('restores the terminal and prints the error after an error during a refresh (exit code 1)', async () => {
    const { input, output, io } = streams();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let calls = 0;
    const gather = (): StatusData => {
      calls += 1;
      if (calls === 2) throw new Error('boom while refreshing');
      return DATA();
    };
    const code = await runMonitor({ ...io, gather, interval: 0.25 });
    expect(code).toBe(1);
    expect(input.raw).toEqual([true, false]);
    expect(output.screen.modes.get('?1049')).toBe(false);
    expect(output.screen.modes.get('?25')).toBe(true);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toContain('boom while refreshing');
    // Printed after the terminal was given back: nothing was written to the screen after it.
    expect(output.data.endsWith('\x1b[?1049l')).toBe(true);
  });

  it('ends with 143 on SIGTERM and leaves no handler behind', async () => {
    const { input, output, io } = streams();
    const before = process.listenerCount('SIGTERM');
    const done = runMonitor({ ...io, gather: DATA, interval: 1 });
    await vi.waitFor(() => expect(output.data.length).toBeGreaterThan(0));
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(143);
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(input.raw).toEqual([true, false]);
  });

  it('repaints only what changed: a key that changes nothing writes nothing', async () => {
    const { input, output, io } = streams();
    const done = runMonitor({ ...io, gather: DATA, interval: 1000 });
    await vi.waitFor(() => expect(output.screen.lines().some((l) => l.includes('python train.py'))).toBe(true));
    const before = output.data.length;
    input.write('z'); // unbound
    await new Promise((r) => setTimeout(r, 50));
    expect(output.data.length).toBe(before);
    input.write('\x1b[B'); // Down: selection
    await vi.waitFor(() => expect(output.data.length).toBeGreaterThan(before));
    const delta = output.data.length - before;
    expect(delta).toBeLessThan(1500);
    input.write('q');
    expect(await done).toBe(0);
  });
});
