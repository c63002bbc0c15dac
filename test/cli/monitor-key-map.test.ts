/**
 * The monitor's key map is the one place keys are bound: the app dispatches through it, the help
 * screen lists it, and both would notice a row that the other lacks.
 */
import { describe, expect, it } from 'vitest';

import { MonitorApp, type AppServices } from '../../src/cli/monitor/app.js';
import { KEY_MAP, commandFor, displayKey, helpRows, keyDispatch, type KeyRow } from '../../src/cli/monitor/key-map.js';
import { drawHelp } from '../../src/cli/monitor/screens/help.js';
import { device, OPTIONS, proc, status } from './status-fixture.js';

const { width: _width, ...RENDER } = OPTIONS;

function makeApp(): MonitorApp {
  const services: AppServices = {
    sendSignal: () => undefined,
    environ: () => ({ HOME: '/root' }),
    buildTree: () => [],
    now: () => new Date(2026, 4, 20, 12, 0, 0),
  };
  const app = new MonitorApp({ mode: 'auto', readonly: false, render: RENDER, services });
  app.update(status([{ device: device({ index: 0 }), migDevices: [] }], [proc({ pid: 200, device: '0', user: 'alice' })]));
  return app;
}

const helpText = (): string => {
  const canvas = drawHelp(60, 160, { readonly: false });
  return Array.from({ length: canvas.rows }, (_, r) => canvas.rowText(r)).join('\n');
};

describe('monitor key map', () => {
  it('every command bound on a screen has a handler in the app', () => {
    expect(makeApp().unhandledCommands()).toEqual([]);
  });

  it('dispatch reads the map: each key runs its row\'s command on each of its screens', () => {
    for (const row of KEY_MAP) {
      for (const screen of row.screens) {
        for (const [command, keys] of row.bindings) for (const key of keys) expect(commandFor(screen, key)).toBe(command);
      }
    }
    expect(commandFor('main', 'x')).toBeUndefined();
    expect(commandFor('tree', 't')).toBe('back');
    expect(commandFor('main', 't')).toBe('tree');
  });

  it('a key bound twice on one screen is refused when the map is built', () => {
    const clash: KeyRow[] = [
      { screens: ['main'], bindings: [['quit', ['q']]] },
      { screens: ['main', 'tree'], bindings: [['back', ['q']]] },
    ];
    expect(() => keyDispatch(clash)).toThrow(/'q' on the main screen runs both quit and back/);
    expect(() => keyDispatch(KEY_MAP)).not.toThrow();
  });

  it('the help screen lists every main-screen key of the map, and every help line comes from it', () => {
    const text = helpText();
    const mainKeys = KEY_MAP.filter((row) => row.screens.includes('main') && row.help !== undefined).flatMap((row) => row.bindings.flatMap(([, keys]) => keys));
    for (const key of mainKeys) expect(text).toContain(displayKey(key));
    for (const row of KEY_MAP) if (row.help !== undefined) expect(text).toContain(row.help.text.replace(/\.$/, ''));
    // Main-screen keys without a help line: only the `o` prefix, whose letters have lines of their own.
    const hidden = KEY_MAP.filter((row) => row.screens.includes('main') && row.help === undefined).flatMap((row) => row.bindings.map(([command]) => command));
    expect(hidden).toEqual(['orderPrefix']);
    expect(text).toContain('og os ob');
    expect(helpRows().length).toBeGreaterThan(20);
  });

  it('a row added to the map reaches both dispatch and help', () => {
    const rows: KeyRow[] = [...KEY_MAP, { screens: ['main'], bindings: [['refresh', ['F9']]], help: { section: 0, text: 'Refresh again.' } }];
    expect(keyDispatch(rows).get('main')?.get('F9')).toBe('refresh');
    expect(helpRows(rows).find((row) => row.keys === 'F9')).toEqual({ section: 0, keys: 'F9', text: 'Refresh again.', signal: false });
    expect(helpRows().find((row) => row.text.startsWith('Select the previous / next process'))).toEqual({
      section: 1,
      keys: 'Up Down',
      text: 'Select the previous / next process (also S-Tab, A-k, Tab, A-j, wheel).',
      signal: false,
    });
    expect(helpRows().find((row) => row.text.startsWith('Force refresh'))?.keys).toBe('r R ^R F5');
  });

  it('signal keys are dimmed in read-only mode', () => {
    const signals = helpRows().filter((row) => row.signal).map((row) => row.keys);
    expect(signals).toEqual(['^C I', 'T', 'K k']);
  });
});
