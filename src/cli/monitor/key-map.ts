/**
 * The monitor's key map: for each screen, which keys run which command, and the help text of
 * the main screen's keys. {@link MonitorApp} dispatches through {@link commandFor}; the help
 * screen lists {@link helpRows}. A key bound here is therefore documented in the help screen
 * (or deliberately hidden: a row without `help`), and no key can do something the help does
 * not say.
 *
 * What a command does on a screen is the app's business (`up` moves the selection on the main
 * and tree screens and scrolls the environment screen); the map only says which keys ask for it.
 *
 * @module
 */
import { ORDERS, ORDER_NAMES, type OrderName } from './sort.js';

/** Screens that take keys (the help screen returns on any key; the confirmation box is a screen of its own here). */
export type KeyScreen = 'main' | 'tree' | 'environ' | 'metrics' | 'confirm';

/** The commands keys can run. */
export type KeyCommand =
  | 'quit'
  | 'help'
  | 'modeAuto'
  | 'modeFull'
  | 'modeCompact'
  | 'refresh'
  | 'up'
  | 'down'
  | 'first'
  | 'last'
  | 'pageUp'
  | 'pageDown'
  | 'left'
  | 'right'
  | 'lineStart'
  | 'lineEnd'
  | 'tag'
  | 'clear'
  | 'interrupt'
  | 'sigint'
  | 'sigterm'
  | 'sigkill'
  | 'environ'
  | 'tree'
  | 'metrics'
  | 'containers'
  | 'back'
  | 'orderPrevious'
  | 'orderNext'
  | 'orderReverse'
  | 'orderPrefix'
  | 'cancel'
  | 'accept'
  | 'buttonPrevious'
  | 'buttonNext';

/** One command and the keys (decoder names, see `keys.ts`) that run it. */
export type KeyBinding = readonly [command: KeyCommand, keys: readonly string[]];

/** The help line of a row (main screen keys only). */
export interface KeyHelp {
  /** Help section (a blank line separates sections). */
  readonly section: number;
  /** What the keys do. */
  readonly text: string;
  /** Mouse actions that do the same, named after the keys (`'wheel'`). */
  readonly mouse?: string;
  /** Shown dimmed in read-only mode (the signal keys). */
  readonly signal?: boolean;
}

/** One row of the key map: commands bound on some screens, with an optional help line. */
export interface KeyRow {
  /** The screens where these keys act. */
  readonly screens: readonly KeyScreen[];
  /** The commands and their keys. */
  readonly bindings: readonly KeyBinding[];
  /** The help line; rows without one are not listed (keys of the other screens). */
  readonly help?: KeyHelp;
  /** A label for rows without keys (mouse-only help lines). */
  readonly label?: string;
}

const MOVING: readonly KeyScreen[] = ['main', 'tree'];
const SCROLLING: readonly KeyScreen[] = ['main', 'tree', 'environ'];

/**
 * The key map. Rows with `help` are the main screen's keys, in help-screen order.
 *
 * @example
 * ```ts
 * KEY_MAP.find((row) => row.bindings.some(([command]) => command === 'quit'))?.help?.text;
 * ```
 */
export const KEY_MAP: readonly KeyRow[] = [
  { screens: ['main'], bindings: [['quit', ['q', 'Q']]], help: { section: 0, text: 'Quit and return to the terminal.' } },
  { screens: ['main', 'tree', 'environ', 'metrics'], bindings: [['help', ['h', '?']]], help: { section: 0, text: 'Show this help screen (any key returns).' } },
  {
    screens: ['main'],
    bindings: [['modeAuto', ['a']], ['modeFull', ['f']], ['modeCompact', ['c']]],
    help: { section: 0, text: 'Display mode: auto / full / compact.' },
  },
  { screens: SCROLLING, bindings: [['refresh', ['r', 'R', 'C-r', 'F5']]], help: { section: 0, text: 'Force refresh (clears the selection).' } },

  {
    screens: MOVING,
    bindings: [['up', ['Up', 'S-Tab', 'A-k']], ['down', ['Down', 'Tab', 'A-j']]],
    help: { section: 1, text: 'Select the previous / next process', mouse: 'wheel' },
  },
  { screens: ['environ'], bindings: [['up', ['Up', 'A-k']], ['down', ['Down', 'A-j']]] },
  { screens: SCROLLING, bindings: [['first', ['Home']], ['last', ['End']]], help: { section: 1, text: 'Select the first / last process.' } },
  {
    screens: SCROLLING,
    bindings: [['left', ['Left', 'A-h']], ['right', ['Right', 'A-l']]],
    help: { section: 1, text: 'Scroll the host columns', mouse: 'Shift-wheel' },
  },
  {
    screens: ['main'],
    bindings: [['lineStart', ['C-a', '^']], ['lineEnd', ['C-e', '$']]],
    help: { section: 1, text: 'Scroll to the start / end of the process entries.' },
  },
  { screens: ['tree', 'environ'], bindings: [['lineStart', ['C-a', '^']]] },
  {
    screens: ['main'],
    bindings: [['pageUp', ['PageUp', '[', 'A-K']], ['pageDown', ['PageDown', ']', 'A-J']]],
    help: { section: 1, text: 'Scroll the whole screen' },
  },
  { screens: ['tree', 'environ'], bindings: [['pageUp', ['PageUp', '[']], ['pageDown', ['PageDown', ']']]] },
  { screens: ['main'], bindings: [], label: 'Click', help: { section: 1, text: 'Select the process under the mouse.' } },

  { screens: MOVING, bindings: [['tag', ['Space']]], help: { section: 2, text: 'Tag / untag the selected process and move down.' } },
  { screens: MOVING, bindings: [['clear', ['Esc']]], help: { section: 2, text: 'Clear the selection and the tags.' } },
  {
    screens: ['main'],
    bindings: [['interrupt', ['C-c']], ['sigint', ['I']]],
    help: { section: 2, text: 'Send SIGINT to the selected / tagged processes.', signal: true },
  },
  { screens: ['tree'], bindings: [['sigint', ['I', 'C-c']]] },
  { screens: MOVING, bindings: [['sigterm', ['T']]], help: { section: 2, text: 'Send SIGTERM to the selected / tagged processes.', signal: true } },
  { screens: MOVING, bindings: [['sigkill', ['K', 'k']]], help: { section: 2, text: 'Send SIGKILL to the selected / tagged processes.', signal: true } },

  { screens: ['main', 'tree', 'metrics'], bindings: [['environ', ['e']]], help: { section: 3, text: 'Show the environment of the selected process.' } },
  { screens: ['main'], bindings: [['tree', ['t']]], help: { section: 3, text: 'Toggle the tree view of the GPU processes and their parents.' } },
  { screens: ['main'], bindings: [['metrics', ['Enter']]], help: { section: 3, text: 'Show the metrics of the selected process, with history graphs.' } },
  { screens: ['main'], bindings: [['containers', ['p']]], help: { section: 3, text: 'Container / pod column: beside the command, instead of it, off.' } },
  { screens: ['tree'], bindings: [['back', ['t', 'q', 'Q']]] },
  { screens: ['environ'], bindings: [['back', ['e', 'Esc', 'q', 'Q']]] },
  { screens: ['metrics'], bindings: [['back', ['Enter', 'Esc', 'q', 'Q']]] },

  {
    screens: ['main'],
    bindings: [['orderPrevious', [',', '<']], ['orderNext', ['.', '>']]],
    help: { section: 4, text: 'Sort by the previous / next column.' },
  },
  { screens: ['main'], bindings: [['orderReverse', ['/']]], help: { section: 4, text: 'Reverse the sort order.' } },
  // `o` waits for an order letter; the help lines of the letters come from the order table.
  { screens: ['main'], bindings: [['orderPrefix', ['o']]] },

  { screens: ['confirm'], bindings: [['cancel', ['n', 'N', 'q', 'Q', 'Esc']]] },
  { screens: ['confirm'], bindings: [['accept', ['Enter', 'Space']]] },
  { screens: ['confirm'], bindings: [['buttonPrevious', ['Left', ',', '<', '[', 'S-Tab']], ['buttonNext', ['Right', '.', '>', ']', 'Tab']]] },
];

/**
 * The dispatch table of `rows`: screen → key → command.
 *
 * @throws Error when two rows bind one key on one screen (so a clash fails at load, and in the tests).
 * @example
 * ```ts
 * keyDispatch(KEY_MAP).get('main')?.get('q'); // 'quit'
 * ```
 */
export function keyDispatch(rows: readonly KeyRow[]): ReadonlyMap<KeyScreen, ReadonlyMap<string, KeyCommand>> {
  const byScreen = new Map<KeyScreen, Map<string, KeyCommand>>();
  for (const row of rows) {
    for (const screen of row.screens) {
      let keys = byScreen.get(screen);
      if (keys === undefined) byScreen.set(screen, (keys = new Map()));
      for (const [command, names] of row.bindings) {
        for (const name of names) {
          const bound = keys.get(name);
          if (bound !== undefined) throw new Error(`key map: '${name}' on the ${screen} screen runs both ${bound} and ${command}`);
          keys.set(name, command);
        }
      }
    }
  }
  return byScreen;
}

const DISPATCH = keyDispatch(KEY_MAP);

/**
 * The command `key` runs on `screen`, or undefined when the key does nothing there.
 *
 * @example
 * ```ts
 * commandFor('main', 'A-j'); // 'down'
 * commandFor('tree', 't');   // 'back'
 * ```
 */
export function commandFor(screen: KeyScreen, key: string): KeyCommand | undefined {
  return DISPATCH.get(screen)?.get(key);
}

/**
 * Every command bound on `screen` (for the test that each has a handler).
 *
 * @example
 * ```ts
 * boundCommands('metrics'); // ['help', 'environ', 'back']
 * ```
 */
export function boundCommands(screen: KeyScreen): KeyCommand[] {
  return [...new Set(DISPATCH.get(screen)?.values() ?? [])];
}

/** How a key name reads in the help screen (`C-r` → `^R`, `PageUp` → `PgUp`). */
export function displayKey(name: string): string {
  if (/^C-[a-z]$/.test(name)) return `^${name.slice(2).toUpperCase()}`;
  if (name === 'PageUp') return 'PgUp';
  if (name === 'PageDown') return 'PgDn';
  return name;
}

/** One line of the help screen. */
export interface HelpRow {
  /** Help section. */
  readonly section: number;
  /** The keys, as shown (`'Up Down'`). */
  readonly keys: string;
  /** What they do. */
  readonly text: string;
  /** Dimmed in read-only mode. */
  readonly signal: boolean;
}

function rowHelp(row: KeyRow, help: KeyHelp): HelpRow {
  const single = row.bindings.length === 1;
  // One command: all its keys. Several: the first key of each, the others in "(also …)".
  const shown = single ? (row.bindings[0]?.[1] ?? []) : row.bindings.map(([, keys]) => keys[0] as string);
  const others = single ? [] : row.bindings.flatMap(([, keys]) => keys.slice(1));
  const also = [...others.map(displayKey), ...(help.mouse === undefined ? [] : [help.mouse])];
  const text = also.length === 0 ? help.text : `${help.text.replace(/\.$/, '')} (also ${also.join(', ')}).`;
  const keys = shown.length === 0 ? (row.label ?? '') : shown.map(displayKey).join(' ');
  return { section: help.section, keys, text: text.endsWith('.') ? text : `${text}.`, signal: help.signal === true };
}

function orderRows(section: number): HelpRow[] {
  const letters = (names: readonly OrderName[]) => names.map((name) => `o${ORDERS[name].key}`).join(' ');
  const columns = (names: readonly OrderName[]) => names.map((name) => ORDERS[name].column).join(' / ');
  const ascending = ORDER_NAMES.filter((name) => name !== 'natural' && !ORDERS[name].descending);
  const descending = ORDER_NAMES.filter((name) => ORDERS[name].descending);
  const rows: HelpRow[] = [
    { section, keys: `o${ORDERS.natural.key} o${ORDERS.natural.key.toUpperCase()}`, text: 'Natural order (GPU, then user, then PID), ascending / descending.', signal: false },
    { section, keys: letters(ascending), text: `Sort by ${columns(ascending)} (lowercase: ascending, uppercase: reversed).`, signal: false },
  ];
  for (let i = 0; i < descending.length; i += 3) {
    const chunk = descending.slice(i, i + 3);
    rows.push({ section, keys: letters(chunk), text: `Sort by ${columns(chunk)} (lowercase: descending).`, signal: false });
  }
  return rows;
}

/**
 * The help screen's lines: the key map's rows with help (`map`, default {@link KEY_MAP}), then the order letters after `o`
 * (from the order table).
 *
 * @example
 * ```ts
 * helpRows()[0]; // { section: 0, keys: 'q Q', text: 'Quit and return to the terminal.', signal: false }
 * ```
 */
export function helpRows(map: readonly KeyRow[] = KEY_MAP): HelpRow[] {
  const rows = map.flatMap((row) => (row.help === undefined ? [] : [rowHelp(row, row.help)]));
  const orderSection = map.find((row) => row.bindings.some(([command]) => command === 'orderReverse'))?.help?.section ?? 4;
  return [...rows, ...orderRows(orderSection)];
}
