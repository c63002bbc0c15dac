/**
 * The key decoder: turns the bytes a terminal sends in raw mode into key and mouse events.
 *
 * Keys are named the way nvitop's keybinding table names them: printable characters as
 * themselves (`'q'`, `'K'`, `'/'`), and `'Up'`, `'Down'`, `'Left'`, `'Right'`, `'Home'`, `'End'`,
 * `'PageUp'`, `'PageDown'`, `'Insert'`, `'Delete'`, `'Tab'`, `'S-Tab'`, `'Enter'`, `'Esc'`,
 * `'Space'`, `'Backspace'`, `'F1'`…`'F12'`, `'C-a'`…`'C-z'` (Ctrl), `'A-x'` (Alt + any key),
 * `'S-Up'` / `'C-Up'` (modified arrows).
 *
 * @module
 */

/** A key press. */
export interface KeyEvent {
  /** Discriminant. */
  readonly type: 'key';
  /** The key's name (see the module documentation). */
  readonly name: string;
}

/** A mouse event (SGR 1006 or legacy X10 encoding). */
export interface MouseEvent {
  /** Discriminant. */
  readonly type: 'mouse';
  /** 0-based screen row. */
  readonly row: number;
  /** 0-based screen column. */
  readonly column: number;
  /** `'press'`, `'release'` or `'wheel'`. */
  readonly action: 'press' | 'release' | 'wheel';
  /** Button 1 (left), 2 (middle), 3 (right) for press/release; 0 for the wheel. */
  readonly button: number;
  /** Wheel direction: -1 up, +1 down, 0 for buttons. */
  readonly wheel: -1 | 0 | 1;
  /** Shift held. */
  readonly shift: boolean;
  /** Alt (Meta) held. */
  readonly alt: boolean;
  /** Ctrl held. */
  readonly ctrl: boolean;
}

/** What the decoder yields. */
export type InputEvent = KeyEvent | MouseEvent;

const key = (name: string): KeyEvent => ({ type: 'key', name });

// Final byte of CSI / SS3 sequences without parameters.
const FINAL_KEYS: Readonly<Record<string, string>> = {
  A: 'Up', B: 'Down', C: 'Right', D: 'Left', H: 'Home', F: 'End', Z: 'S-Tab',
  P: 'F1', Q: 'F2', R: 'F3', S: 'F4', E: 'Begin',
};
// `CSI n ~` sequences.
const TILDE_KEYS: Readonly<Record<string, string>> = {
  '1': 'Home', '2': 'Insert', '3': 'Delete', '4': 'End', '5': 'PageUp', '6': 'PageDown',
  '7': 'Home', '8': 'End', '11': 'F1', '12': 'F2', '13': 'F3', '14': 'F4', '15': 'F5',
  '17': 'F6', '18': 'F7', '19': 'F8', '20': 'F9', '21': 'F10', '23': 'F11', '24': 'F12',
};

function modifierPrefix(param: string | undefined): string {
  // xterm modifier parameter: 1 + (shift 1 | alt 2 | ctrl 4).
  const value = Number(param ?? '1') - 1;
  if (!(value > 0)) return '';
  return `${value & 4 ? 'C-' : ''}${value & 2 ? 'A-' : ''}${value & 1 ? 'S-' : ''}`;
}

function singleKey(ch: string): KeyEvent {
  const code = ch.codePointAt(0) as number;
  if (ch === '\r' || ch === '\n') return key('Enter');
  if (ch === '\t') return key('Tab');
  if (ch === ' ') return key('Space');
  if (ch === '\x1b') return key('Esc');
  if (code === 0x7f || code === 0x08) return key('Backspace');
  if (code === 0) return key('C-Space');
  if (code < 0x20) {
    if (code <= 26) return key(`C-${String.fromCharCode(code + 96)}`);
    return key(`C-${String.fromCharCode(code + 64)}`);
  }
  return key(ch);
}

function mouseFromButton(code: number, column: number, row: number, release: boolean): MouseEvent {
  const shift = (code & 4) !== 0;
  const alt = (code & 8) !== 0;
  const ctrl = (code & 16) !== 0;
  const base = code & ~(4 | 8 | 16 | 32);
  if (base >= 64) {
    return { type: 'mouse', row, column, action: 'wheel', button: 0, wheel: base === 64 ? -1 : 1, shift, alt, ctrl };
  }
  return {
    type: 'mouse', row, column, action: release ? 'release' : 'press', button: (base & 3) + 1, wheel: 0, shift, alt, ctrl,
  };
}

/** Result of decoding one chunk. */
export interface DecodeResult {
  /** Complete events, in order. */
  readonly events: InputEvent[];
  /**
   * A trailing incomplete escape sequence: keep it, prepend it to the next chunk, and if no
   * more input comes within a short delay decode it with `flush = true` (a lone ESC is Esc).
   */
  readonly pending: string;
}

// eslint-disable-next-line no-control-regex
const CSI_RE = /^\x1b\[([<?]?)([0-9;]*)([\x20-\x2f]*)([\x40-\x7e])/;
// eslint-disable-next-line no-control-regex
const SS3_RE = /^\x1bO([0-9;]*)([A-Za-z])/;

/**
 * Decode raw-mode input. With `flush`, a trailing partial sequence is decoded as well as
 * possible instead of being kept (a lone `ESC` is the Esc key, `ESC x` is Alt-x).
 *
 * @example
 * ```ts
 * decodeKeys('\x1b[A q').events;          // Up, Space, 'q'
 * decodeKeys('\x1b[<64;10;5M').events[0]; // wheel up at row 4, column 9
 * decodeKeys('\x1b').pending;             // '\x1b' (might be the start of a sequence)
 * decodeKeys('\x1b', true).events[0];     // Esc
 * ```
 */
export function decodeKeys(input: string, flush = false): DecodeResult {
  const events: InputEvent[] = [];
  let rest = input;
  while (rest.length > 0) {
    if (rest[0] !== '\x1b') {
      const ch = String.fromCodePoint(rest.codePointAt(0) as number);
      events.push(singleKey(ch));
      rest = rest.slice(ch.length);
      continue;
    }
    if (rest.length === 1) {
      if (!flush) return { events, pending: rest };
      events.push(key('Esc'));
      rest = '';
      continue;
    }
    if (rest[1] === '[') {
      // Legacy X10 mouse: ESC [ M b x y (each + 32).
      if (rest[2] === 'M') {
        if (rest.length < 6) {
          if (!flush) return { events, pending: rest };
          rest = '';
          continue;
        }
        const b = rest.charCodeAt(3) - 32;
        const x = rest.charCodeAt(4) - 33;
        const y = rest.charCodeAt(5) - 33;
        events.push(mouseFromButton(b, x, y, (b & 3) === 3 && b < 64));
        rest = rest.slice(6);
        continue;
      }
      const match = CSI_RE.exec(rest);
      if (match === null) {
        // Incomplete (or malformed) CSI.
        if (/^\x1b\[[<?]?[0-9;]*[\x20-\x2f]*$/.test(rest) && !flush) return { events, pending: rest };
        if (/^\x1b\[[<?]?[0-9;]*[\x20-\x2f]*$/.test(rest)) {
          rest = '';
          continue;
        }
        events.push(key('A-['));
        rest = rest.slice(2);
        continue;
      }
      const [whole, prefix, paramText, , final] = match as unknown as [string, string, string, string, string];
      rest = rest.slice(whole.length);
      const params = paramText.split(';');
      if (prefix === '<' && (final === 'M' || final === 'm')) {
        const [b, x, y] = params.map(Number) as [number, number, number];
        events.push(mouseFromButton(b, x - 1, y - 1, final === 'm'));
        continue;
      }
      if (prefix !== '') continue; // private replies (e.g. device attributes): ignore
      if (final === '~') {
        const name = TILDE_KEYS[params[0] ?? ''];
        if (name !== undefined) events.push(key(modifierPrefix(params[1]) + name));
        continue;
      }
      const name = FINAL_KEYS[final];
      if (name !== undefined) {
        events.push(key(name === 'S-Tab' ? name : modifierPrefix(params[1]) + name));
      }
      continue;
    }
    if (rest[1] === 'O') {
      const match = SS3_RE.exec(rest);
      if (match === null) {
        if (rest.length === 2 && !flush) return { events, pending: rest };
        events.push(key('A-O'));
        rest = rest.slice(2);
        continue;
      }
      const [whole, paramText, final] = match as unknown as [string, string, string];
      rest = rest.slice(whole.length);
      const name = FINAL_KEYS[final];
      if (name !== undefined) events.push(key(modifierPrefix(paramText.split(';')[1]) + name));
      else if (final === 'M') events.push(key('Enter'));
      continue;
    }
    if (rest[1] === '\x1b') {
      // ESC ESC: the first one is a plain Esc.
      events.push(key('Esc'));
      rest = rest.slice(1);
      continue;
    }
    // Alt + key.
    const ch = String.fromCodePoint(rest.codePointAt(1) as number);
    const inner = singleKey(ch);
    events.push(key(`A-${inner.name}`));
    rest = rest.slice(1 + ch.length);
  }
  return { events, pending: '' };
}
