import { describe, expect, it } from 'vitest';

import { Painter } from '../../src/cli/monitor/painter.js';
import { sgr } from '../../src/cli/monitor/sgr.js';
import type { Line } from '../../src/cli/render/types.js';
import { VtScreen } from '../helpers/vt-screen.js';

function setup(rows: number, columns: number) {
  const screen = new VtScreen(rows, columns);
  const writes: string[] = [];
  const painter = new Painter((s) => {
    writes.push(s);
    screen.write(s);
  }, { light: false, noColor: false });
  painter.resize(rows, columns);
  return { screen, writes, painter };
}

const plain = (...texts: string[]): Line[] => texts.map((text) => [{ text }]);

describe('diffing painter', () => {
  it('paints a whole frame first, exactly as given, padded and cut to the width', () => {
    const { screen, painter } = setup(4, 10);
    painter.paint(plain('hello', '╒════════╕', 'a much longer line than ten'));
    expect(screen.lines()).toEqual(['hello     ', '╒════════╕', 'a much lon', '          ']);
  });

  it('writes nothing when nothing changed', () => {
    const { painter, writes } = setup(5, 20);
    const frame = plain('one', 'two', 'three');
    painter.paint(frame);
    const before = writes.length;
    expect(painter.paint(plain('one', 'two', 'three'))).toBe(0);
    expect(writes.length).toBe(before);
  });

  it('rewrites only the changed span of a changed row', () => {
    const { screen, painter } = setup(3, 40);
    painter.paint(plain('Wed May 20 12:00:00 2026   (Press h)', 'GPU 0  50%', 'static'));
    const bytes = painter.paint(plain('Wed May 20 12:00:02 2026   (Press h)', 'GPU 0  50%', 'static'));
    expect(screen.lines().map((l) => l.trimEnd())).toEqual(['Wed May 20 12:00:02 2026   (Press h)', 'GPU 0  50%', 'static']);
    // cursor move + one character + SGR codes: far less than the row.
    expect(bytes).toBeLessThan(25);
  });

  it('keeps styles: colours, bold, reverse, and clears them where the new frame has none', () => {
    const { screen, painter } = setup(2, 12);
    painter.paint([[{ text: 'GPU', style: { fg: 'red', bold: true } }, { text: ' 0', style: { reverse: true } }], []]);
    expect(screen.cells[0]![0]).toMatchObject({ ch: 'G', fg: 1, bold: true, reverse: false });
    expect(screen.cells[0]![4]).toMatchObject({ ch: '0', fg: null, bold: false, reverse: true });
    painter.paint([[{ text: 'GPU 0' }], []]);
    expect(screen.cells[0]![0]).toMatchObject({ ch: 'G', fg: null, bold: false });
    expect(screen.cells[0]![4]).toMatchObject({ ch: '0', reverse: false });
  });

  it('never splits a wide character', () => {
    const { screen, painter } = setup(1, 10);
    painter.paint(plain('ab中文cd'));
    expect(screen.text(0)).toBe('ab中文cd  ');
    painter.paint(plain('ab中x cd'));
    expect(screen.text(0)).toBe('ab中x cd  ');
    painter.paint(plain('abc文 cd'));
    expect(screen.text(0)).toBe('abc文 cd  ');
  });

  it('repaints everything after resize() and invalidate()', () => {
    const { screen, painter } = setup(2, 10);
    painter.paint(plain('x', 'y'));
    screen.write('\x1b[1;1Hgarbage!!!');
    expect(painter.paint(plain('x', 'y'))).toBe(0);
    painter.invalidate();
    painter.paint(plain('x', 'y'));
    expect(screen.text(0)).toBe('x         ');
  });

  it('light theme: reverse video on a coloured foreground gets a black background', () => {
    expect(sgr({ fg: 'cyan', reverse: true }, { light: true, noColor: false })).toBe('\x1b[0;7;36;40m');
    expect(sgr({ fg: 'cyan', reverse: true }, { light: false, noColor: false })).toBe('\x1b[0;7;36m');
  });

  it('uses 256-colour codes for numeric colours and honours noColor', () => {
    const screen = new VtScreen(1, 5);
    const painter = new Painter((s) => screen.write(s), { light: false, noColor: false });
    painter.resize(1, 5);
    painter.paint([[{ text: 'ab', style: { fg: 196 } }]]);
    expect(screen.cells[0]![0]!.fg).toBe(196);
    const mono = new VtScreen(1, 5);
    const p2 = new Painter((s) => mono.write(s), { light: false, noColor: true });
    p2.resize(1, 5);
    p2.paint([[{ text: 'ab', style: { fg: 'red', bold: true } }]]);
    expect(mono.cells[0]![0]).toMatchObject({ fg: null, bold: true });
  });
});
