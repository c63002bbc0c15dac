import { describe, expect, it } from 'vitest';

import { decodeKeys, type InputEvent } from '../../src/cli/monitor/keys.js';

const names = (events: InputEvent[]) => events.map((e) => (e.type === 'key' ? e.name : `mouse:${e.action}`));

describe('key decoder', () => {
  it('decodes printable keys, Enter, Tab, Space, Backspace and Ctrl letters', () => {
    expect(names(decodeKeys('qK/ \r\t\x7f\x03\x12\x01\x05').events)).toEqual([
      'q', 'K', '/', 'Space', 'Enter', 'Tab', 'Backspace', 'C-c', 'C-r', 'C-a', 'C-e',
    ]);
  });

  it('decodes arrows, Home/End, PageUp/Down, F5 and Shift-Tab in both CSI and SS3 forms', () => {
    const input = '\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA\x1bOB\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF\x1b[5~\x1b[6~\x1b[15~\x1b[Z';
    expect(names(decodeKeys(input).events)).toEqual([
      'Up', 'Down', 'Right', 'Left', 'Up', 'Down', 'Home', 'End', 'Home', 'End', 'Home', 'End', 'PageUp', 'PageDown', 'F5', 'S-Tab',
    ]);
  });

  it('decodes modified arrows and Alt + key', () => {
    expect(names(decodeKeys('\x1b[1;2A\x1b[1;5B\x1bk\x1bJ\x1bh').events)).toEqual(['S-Up', 'C-Down', 'A-k', 'A-J', 'A-h']);
  });

  it('keeps an incomplete escape sequence pending, and a lone ESC becomes Esc on flush', () => {
    const first = decodeKeys('j\x1b');
    expect(names(first.events)).toEqual(['j']);
    expect(first.pending).toBe('\x1b');
    expect(names(decodeKeys(first.pending + '[A').events)).toEqual(['Up']);
    expect(names(decodeKeys('\x1b', true).events)).toEqual(['Esc']);
    const partial = decodeKeys('\x1b[1');
    expect(partial.events).toEqual([]);
    expect(partial.pending).toBe('\x1b[1');
  });

  it('decodes SGR mouse reports: wheel with modifiers, press and release with 0-based positions', () => {
    const [up, down, shiftDown, press, release] = decodeKeys('\x1b[<64;10;5M\x1b[<65;1;1M\x1b[<69;3;3M\x1b[<0;12;7M\x1b[<0;12;7m').events;
    expect(up).toMatchObject({ type: 'mouse', action: 'wheel', wheel: -1, row: 4, column: 9, shift: false });
    expect(down).toMatchObject({ type: 'mouse', action: 'wheel', wheel: 1, row: 0, column: 0 });
    expect(shiftDown).toMatchObject({ action: 'wheel', wheel: 1, shift: true });
    expect(press).toMatchObject({ action: 'press', button: 1, row: 6, column: 11 });
    expect(release).toMatchObject({ action: 'release', button: 1 });
  });

  it('decodes legacy X10 mouse reports', () => {
    const [event] = decodeKeys(`\x1b[M${String.fromCharCode(32)}${String.fromCharCode(33 + 4)}${String.fromCharCode(33 + 2)}`).events;
    expect(event).toMatchObject({ type: 'mouse', action: 'press', button: 1, column: 4, row: 2 });
  });

  it('decodes UTF-8 characters as single keys', () => {
    expect(names(decodeKeys('é中').events)).toEqual(['é', '中']);
  });
});
