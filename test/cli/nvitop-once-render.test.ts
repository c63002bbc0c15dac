// The once-mode renderers as pure functions over hand-written StatusData: layout (widths, box
// joints, columns), nvitop's formats and colour rules, the notes nvitop-node adds, and text/ANSI.
import { describe, expect, it } from 'vitest';
import { NA } from '../../src/core/index.js';
import { colorMessage, sgrParameters, shouldColor, toText } from '../../src/cli/ansi.js';
import {
  barColumns,
  borderLine,
  graphemes,
  takeColumns,
  verticalColumns,
  cutString,
  deviceColor,
  hiddenHostInfoHint,
  lineText,
  loadIntensity,
  gradientColor,
  makeBarChart,
  styleBar,
  missingFunctionsNote,
  onceWidth,
  padStart,
  renderDevicePanel,
  renderHostPanel,
  renderOnce,
  renderProcessPanel,
  renderTimeLine,
  sortNatural,
  stringWidth,
  toAscii,
  toJsonDocument,
  unaccountedMemory,
  type Line,
  type Style,
} from '../../src/cli/render/index.js';
import { GiB, HOST, MiB, OPTIONS, device, proc, status } from './status-fixture.js';

const texts = (lines: readonly Line[]): string[] => lines.map(lineText);
const widths = (lines: readonly Line[]): number[] => texts(lines).map(stringWidth);
/** Style of the segment that contains `needle` in the line that contains it. */
function styleOf(lines: readonly Line[], needle: string, lineNeedle = needle): Style | undefined {
  const line = lines.find((l) => lineText(l).includes(lineNeedle));
  return line?.find((segment) => segment.text.includes(needle))?.style;
}

describe('text helpers', () => {
  it('measure wide characters and cut like nvitop', () => {
    expect(stringWidth('用户a')).toBe(5);
    expect(padStart('用户', 7)).toBe('   用户');
    expect(cutString('python train.py --epochs 100', 16, '..')).toBe('python train.p..');
    expect(cutString('Tesla V100-SXM2-32GB', 19, '..', 'right')).toBe('..la V100-SXM2-32GB');
    expect(cutString('12345678', 7, '.')).toBe('123456.');
    expect(cutString('short', 7, '.')).toBe('short');
  });
  it('measure emoji, sequences and marks as a terminal shows them (grapheme clusters)', () => {
    expect(['🚀', '✅', '⚡', '👩‍💻', '🇩🇪', '中', 'Ａ'].map(stringWidth)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(['e\u0301', '\u200b', 'a\u200db', '·', '█'].map(stringWidth)).toEqual([1, 0, 2, 1, 1]);
    expect(stringWidth('run 🚀 ✅ ⚡ 👩‍💻')).toBe(4 + 2 + 1 + 2 + 1 + 2 + 1 + 2);
    expect(graphemes('a👩‍💻e\u0301')).toEqual(['a', '👩‍💻', 'e\u0301']);
    // Cutting never splits a cluster: a ZWJ sequence is kept or dropped whole.
    expect(cutString('ab👩‍💻cd', 5, '..')).toBe('ab..');
    expect(takeColumns('ab👩‍💻cd', 4)).toBe('ab👩‍💻');
    expect(takeColumns('ab👩‍💻cd', 3)).toBe('ab');
    expect(padStart('👩‍💻', 4)).toBe('  👩‍💻');
    expect(verticalColumns('│ 🚀 │ x │')).toEqual([0, 5, 9]);
  });
});

describe('makeBarChart', () => {
  it('is exactly the width asked for, for any value', () => {
    for (const width of [12, 18, 25, 38, 61]) {
      for (const percent of [NA, 0, 0.1, 3.33, 12.5, 50, 99.9, 100, 250]) {
        expect(stringWidth(makeBarChart('MEM', percent, width, { float: true }))).toBe(width);
        expect(stringWidth(makeBarChart('UTL', percent, width, { extraText: '@ 1980MHz' }))).toBe(width);
      }
    }
  });
  it('draws eighth blocks for the fraction of (width - prefix - 4) and the value after them', () => {
    // 50 % of 8 × (25 − 5 − 4) = 64 eighths = 8 full blocks.
    expect(makeBarChart('MEM', 50, 25, { float: true })).toBe(`MEM: ${'█'.repeat(8)} 50.0%`.padEnd(25));
    // 25 % of 8 × 16 = 32 eighths = 4 blocks; integers without decimals.
    expect(makeBarChart('UTL', 25, 25)).toBe(`UTL: ████ 25%`.padEnd(25));
    // 10 % of 128 = 12.8 → 13 eighths = 1 block + ▋ (5/8).
    expect(makeBarChart('UTL', 10, 25)).toBe('UTL: █▋ 10%'.padEnd(25));
    // Something is always drawn: at least one eighth.
    expect(makeBarChart('UTL', 0, 25).startsWith('UTL: ▏ 0%')).toBe(true);
  });
  it('shows MAX from 100 %, N/A with a ░ fill when unknown', () => {
    expect(makeBarChart('UTL', 100, 20).trimEnd()).toBe(`UTL: ${'█'.repeat(11)} MAX`);
    expect(makeBarChart('UTL', 180, 20).trimEnd().endsWith('MAX')).toBe(true);
    expect(makeBarChart('UTL', NA, 20)).toBe(`UTL: ${'░'.repeat(11)} N/A`);
  });
  it('puts the extra text at the right end when it fits, and drops it when not', () => {
    const bar = makeBarChart('CPU', 5, 40, { float: true, extraText: '  UPTIME: 3.0 days' });
    expect(bar.endsWith('  UPTIME: 3.0 days')).toBe(true);
    // 5 % of 8 × (40 − 5 − 4) = 12.4 → 12 eighths = 1 block + ▌.
    expect(bar.startsWith('CPU: █▌ 5.0%')).toBe(true);
    expect(makeBarChart('CPU', 95, 30, { float: true, extraText: '  UPTIME: 3.0 days' })).not.toContain('UPTIME');
  });
  it('falls back to an integer when the decimal does not fit', () => {
    expect(makeBarChart('MEM', 99.5, 12, { float: true }).trimEnd().endsWith(' 99.5%')).toBe(false);
  });
});

describe('styleBar', () => {
  it('one colour, or with --colorful a 256-colour gradient along the blocks', () => {
    const bar = makeBarChart('MEM', 80, 30, { float: true });
    expect(styleBar(bar, 'red', false)).toEqual([{ text: bar, style: { fg: 'red' } }]);
    const gradient = styleBar(bar, 'red', true);
    expect(gradient.map((s) => s.text).join('')).toBe(bar);
    const blocks = gradient.filter((s) => /^[█▏▎▍▌▋▊▉]$/.test(s.text)).map((s) => s.style?.fg as number);
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.every((fg) => typeof fg === 'number')).toBe(true);
    expect(new Set(blocks).size).toBeGreaterThan(3);
    expect(blocks[0]).toBe(gradientColor(0));
    // nvitop's scale: a full bar has width − 9 blocks (30 − 9 = 21); block i is at i / 21, the rest
    // of the bar (prefix and text) at blocks / 21, whatever text follows the bar.
    expect(blocks.at(-1)).toBe(gradientColor((blocks.length - 1) / 21));
    expect(gradient[0]?.style?.fg).toBe(gradientColor(blocks.length / 21));
    const withText = styleBar(makeBarChart('MEM', 80, 30, { float: true, extraText: '12.0GiB', swapText: true, extraBlank: ' ' }), 'red', true);
    expect(withText[0]?.style?.fg).toBe(gradientColor(blocks.length / 21));
  });
  it('host bars keep one colour with --colorful (as nvitop draws them)', () => {
    const lines = renderHostPanel(HOST, { ...OPTIONS, colorful: true, width: 120 });
    expect(lines[0]?.filter((s) => s.style?.fg !== undefined).every((s) => s.style?.fg === 'cyan')).toBe(true);
  });
});

describe('load intensity colours', () => {
  it('light below th1, moderate below th2, heavy above; NA moderate', () => {
    expect([9.9, 10, 74.9, 75].map((v) => loadIntensity(v, [10, 75]))).toEqual(['light', 'moderate', 'moderate', 'heavy']);
    expect(loadIntensity(NA, [10, 75])).toBe('moderate');
  });
  it('a device row takes the heavier of memory and GPU; MIG rows memory only; a lost GPU is red', () => {
    expect(deviceColor(device({ index: 0, gpu: 5, used: 1 * GiB }), OPTIONS)).toBe('green');
    expect(deviceColor(device({ index: 0, gpu: 5, used: 70 * GiB }), OPTIONS)).toBe('red');
    expect(deviceColor(device({ index: 0, gpu: 80, used: 1 * GiB }), OPTIONS)).toBe('red');
    expect(deviceColor(device({ index: 0, gpu: 50, used: 1 * GiB }), OPTIONS)).toBe('yellow');
    expect(deviceColor(device({ index: 0, gpu: 50, used: 1 * GiB }), { ...OPTIONS, gpuUtilThresholds: [60, 70] })).toBe('green');
    // MIG: 10 % memory is moderate, whatever the GPU utilization.
    expect(deviceColor(device({ index: [0, 1], gpu: 99, used: 1 * GiB, total: 10 * GiB }), OPTIONS)).toBe('yellow');
    expect(deviceColor(device({ index: [0, 1], gpu: 99, used: 0.5 * GiB, total: 10 * GiB }), OPTIONS)).toBe('green');
    expect(deviceColor(device({ index: 0, name: 'ERROR: GPU is Lost', gpu: NA, used: NA }), OPTIONS)).toBe('red');
  });
});

describe('borders', () => {
  it('pick joints from the vertical lines above and below', () => {
    expect(borderLine(7, [0, 3, 6], [0, 3, 6], 'double')).toBe('╞══╪══╡');
    expect(borderLine(7, [0, 6], [0, 3, 6], 'single')).toBe('├──┬──┤');
    expect(borderLine(7, [0, 3, 6], [0, 6], 'single')).toBe('├──┴──┤');
    expect(borderLine(7, [0, 3, 6], [], 'double')).toBe('╘══╧══╛');
    expect(borderLine(7, [], [0, 6], 'double')).toBe('╒═════╕');
  });
});

describe('device panel', () => {
  const gpus = [
    { device: device({ index: 0, gpu: 98, used: 39 * GiB, fan: 120, temperature: 61 }), migDevices: [] },
    { device: device({ index: 1, name: 'NVIDIA Tesla V100-SXM2-32GB', total: 32 * GiB, used: 3 * MiB, gpu: 0, computeMode: 'Exclusive Process' }), migDevices: [] },
  ];

  it('is 79 columns with nvitop column layout at 79', () => {
    const lines = renderDevicePanel(status(gpus), OPTIONS);
    expect(new Set(widths(lines))).toEqual(new Set([79]));
    const text = texts(lines);
    expect(text[0]).toBe(`╒${'═'.repeat(77)}╕`);
    expect(text[1]).toMatch(/^│ NVITOP 9\.8\.7 +Driver Version: 560\.35\.03 +CUDA Driver Version: 12\.6 +│$/);
    expect(text[3]).toBe('│ GPU  Name        Persistence-M│ Bus-Id        Disp.A │ Volatile Uncorr. ECC │');
    expect(text[5]).toBe('╞═══════════════════════════════╪══════════════════════╪══════════════════════╡');
    // Row 1: index, name without NVIDIA, persistence, bus id, display active, ECC.
    expect(text[6]).toBe(`│   0  ${'A100-SXM4-80GB'.padEnd(19)} ${'On'.padStart(4)} │ 00000000:00:00.0 Off │ ${'0'.padStart(20)} │`);
    // Row 2: fan (MAX from 100 %), temperature, perf centred in 4 columns, power, memory,
    // utilization, compute mode (nvitop: `{fan:>3}  {temp:>4}  {perf:^4} {power:>13}`).
    expect(text[7]).toBe(`│ MAX   61C   P0  ${'100W / 400W'.padStart(13)} │ ${'39.00GiB / 80.00GiB'.padStart(20)} │ ${'98%'.padStart(7)}  ${'Default'.padStart(11)} │`);
    expect(text[8]).toBe('├───────────────────────────────┼──────────────────────┼──────────────────────┤');
    // The name keeps its end; Exclusive becomes E.
    expect(text[9]).toContain('..la V100-SXM2-32GB');
    expect(text[10]).toContain(' E. Process │');
    expect(text.at(-1)).toBe('╘═══════════════════════════════╧══════════════════════╧══════════════════════╛');
  });

  it('colours each cell of a row by the device load; borders stay plain', () => {
    const lines = renderDevicePanel(status(gpus), OPTIONS);
    expect(styleOf(lines, 'A100-SXM4-80GB')?.fg).toBe('red');
    expect(styleOf(lines, 'V100-SXM2-32GB')?.fg).toBe('green');
    expect(lines[6]?.[0]).toEqual({ text: '│' });
  });

  it('adds MEM/UTL bars from 100 columns and MBW/PWR with clocks from 123', () => {
    expect([99, 100, 122, 123].map(barColumns)).toEqual([0, 1, 1, 2]);
    for (const width of [100, 120, 140, 200]) {
      const lines = renderDevicePanel(status(gpus), { ...OPTIONS, width });
      const text = texts(lines);
      expect(widths(lines.slice(5))).toEqual(Array(lines.length - 5).fill(width));
      expect(text[5]?.[78]).toBe('╪');
      expect(text[5]?.endsWith('╕')).toBe(true);
      expect(text[6]).toContain('MEM: ');
      expect(text[7]).toContain('UTL: ');
      expect(text.at(-1)?.[78]).toBe('╧');
    }
    const wide = texts(renderDevicePanel(status([{ device: device({ index: 0, gpu: 5, smClock: 1980, memoryClock: 9501, powerUsage: 200_000 }), migDevices: [] }]), { ...OPTIONS, width: 140 }));
    // 61 extra columns: bars of 27 and 28 columns. Eighths of 8 × (width − 9) × percent (at least
    // one). MEM: the used memory right after the bar, the percentage at the right end. MBW (no
    // value): ░ fill and N/A, no room for the clock. UTL: the clock at the right end. PWR: watts
    // after the bar, the percentage (one decimal) at the right end.
    expect(wide[6]).toBe(`${wide[6]!.slice(0, 79)} MEM: ██▎ 10240MiB     12.5% │ MBW: ${'░'.repeat(19)} N/A │`);
    expect(wide[7]).toBe(`${wide[7]!.slice(0, 79)} UTL: ▉ 5%         @ 1980MHz │ PWR: █████████▌ 200W   50.0% │`);
    const joint = wide[6]!.lastIndexOf('│ MBW') ;
    expect(wide[5]![joint]).toBe('╤');
    expect(wide.at(-1)![joint]).toBe('╧');
  });

  it('bar texts: a long bar drops the used memory and the clock; watts take an unknown percentage\'s place', () => {
    const busy = device({ index: 0, used: 70 * GiB, gpu: 63, smClock: 2520, powerLimit: NA, powerUsage: 200_000 });
    const wide = texts(renderDevicePanel(status([{ device: busy, migDevices: [] }]), { ...OPTIONS, width: 140 }));
    // 87.5 % of 8 × 18 = 126 eighths: 15 blocks and ▊; `70.00GiB` no longer fits beside it.
    expect(wide[6]!.slice(79)).toMatch(/^ MEM: █{15}▊ 87\.5% │ /);
    // 63 % of 8 × 18 = 90.7 → 91 eighths: 11 blocks and ▍; `@ 2520MHz` does not fit.
    expect(wide[7]!.slice(79)).toMatch(/^ UTL: █{11}▍ 63% {7}│ /);
    // No power limit: no percentage, the watts where N/A would be.
    expect(wide[7]!.slice(79)).toMatch(/│ PWR: ░{18} 200W │$/);
    // One column of bars (120 columns: 38 wide; 10 % of 8 × 29 = 23 eighths): the used memory,
    // then the percentage at the end.
    const single = texts(renderDevicePanel(status([{ device: device({ index: 0, used: 8 * GiB }), migDevices: [] }]), { ...OPTIONS, width: 120 }));
    expect(single[6]!.slice(79)).toBe(' MEM: ██▉ 8192MiB                 10.0% │');
  });

  it('lists MIG devices under their parent with GI/CI and BAR1, and the MIG M. column', () => {
    const data = status([
      { device: device({ index: 0, migMode: 'Enabled', used: 20 * GiB, total: 40 * GiB }), migDevices: [device({ index: [0, 0], used: 2 * GiB, total: 5 * GiB }), device({ index: [0, 1], used: 1 * GiB, total: 10 * GiB })] },
      { device: device({ index: 1, migMode: 'Disabled' }), migDevices: [] },
    ]);
    const text = texts(renderDevicePanel(data, OPTIONS));
    expect(text[3]).toContain('MIG M.   Uncorr. ECC');
    expect(text[6]).toContain('  Enabled           0 │');
    expect(text[8]).toBe('├───────────────────────────────┼──────────────────────┼──────────────────────┤');
    expect(text[9]).toBe(`│ 0:0 ${'1g.5gb'.padStart(12)} @ GI/CI: 3/0 │ ${'2048MiB /  5120MiB'.padStart(20)} │ BAR1:  1.00MiB /  0% │`);
    expect(text[10]?.startsWith('│ 0:1')).toBe(true);
    expect(text[12]).toContain(' Disabled');
    const wide = texts(renderDevicePanel(data, { ...OPTIONS, width: 130 }));
    const joint = wide[6]!.lastIndexOf('│ MBW');
    expect(wide[8]![joint]).toBe('┴');
    expect(wide[9]).toMatch(/│ MEM: [^│]+│$/);
    expect(wide[11]![joint]).toBe('┬');
  });

  it('shows a note under a GPU whose used memory exceeds its processes by more than 5 % of its memory', () => {
    const entry = { device: device({ index: 0, used: 30 * GiB }), migDevices: [], processGpuMemory: 20 * GiB };
    expect(unaccountedMemory(entry)).toBe(10 * GiB);
    expect(unaccountedMemory({ ...entry, processGpuMemory: 27 * GiB })).toBe(NA);
    expect(unaccountedMemory({ ...entry, processGpuMemory: NA })).toBe(NA);
    expect(unaccountedMemory({ device: entry.device, migDevices: [] })).toBe(NA);
    const lines = renderDevicePanel(status([entry, { device: device({ index: 1 }), migDevices: [], processGpuMemory: 10 * GiB }]), OPTIONS);
    const text = texts(lines);
    expect(text[8]).toBe('├───────────────────────────────┴──────────────────────┴──────────────────────┤');
    expect(text[9]).toBe(`│ ${'NOTE: 10240MiB used by no listed process (orphaned contexts?)'.padEnd(75)} │`);
    expect(text[10]).toBe('├───────────────────────────────┬──────────────────────┬──────────────────────┤');
    expect(styleOf(lines, 'NOTE:')?.fg).toBe('yellow');
    expect(text.filter((t) => t.includes('NOTE:'))).toHaveLength(1);
  });

  it('compact: one row per GPU', () => {
    const text = texts(renderDevicePanel(status(gpus), OPTIONS, { compact: true }));
    expect(text[3]).toBe('│ GPU Fan Temp Perf Pwr:Usg/Cap │         Memory-Usage │ GPU-Util  Compute M. │');
    expect(text).toHaveLength(9);
    expect(text[5]).toMatch(/^│ {3}0 MAX  61C  P0  +100W \/ 400W │/);
  });

  it('says so when there is no device', () => {
    const text = texts(renderDevicePanel(status([]), { ...OPTIONS, width: 150 }));
    expect(text).toEqual([
      `╒${'═'.repeat(77)}╕`,
      text[1],
      `╞${'═'.repeat(77)}╡`,
      `│  ${'No visible devices found'.padEnd(74)} │`,
      `╘${'═'.repeat(77)}╛`,
    ]);
  });

  it('the date line is strftime("%a %b %d %H:%M:%S %Y") in local time', () => {
    const stamp = new Date(2026, 0, 5, 7, 8, 9).getTime();
    expect(lineText(renderTimeLine(stamp))).toBe('Mon Jan 05 07:08:09 2026');
  });
});

describe('host panel', () => {
  it('two lines at the width: CPU with uptime and load, MEM with used memory, SWP', () => {
    for (const width of [79, 120]) {
      const lines = renderHostPanel(HOST, { ...OPTIONS, width });
      expect(widths(lines)).toEqual([width, width]);
      const [cpu, mem] = texts(lines) as [string, string];
      expect(cpu).toMatch(/^\[ CPU: █+.* 12\.3% +UPTIME: 3\.0 days \] {2}\( Load Average: {2}0\.52 {2}1\.50 12\.25 \)$/);
      expect(mem).toMatch(/^\[ MEM: █+.* 25\.0% +USED: 14\.00GiB \] {2}\[ SWP: ▏ 0\.0% +\]$/);
    }
    const lines = renderHostPanel(HOST, OPTIONS);
    expect(styleOf(lines, 'CPU:')).toEqual({ fg: 'cyan', bold: true });
    expect(styleOf(lines, 'Load Average')).toEqual({ bold: true });
    expect(styleOf(lines, 'MEM:')).toEqual({ fg: 'magenta', bold: true });
    expect(styleOf(lines, 'SWP:')).toEqual({ fg: 'blue', bold: true });
  });
  it('caps load averages at 5 columns', () => {
    const text = texts(renderHostPanel({ ...HOST, loadAverage: [123.456, 12345, 0] }, OPTIONS));
    expect(text[0]).toContain('Load Average: 123.4 9999+  0.00 )');
  });
});

describe('process panel', () => {
  const gpus = [
    { device: device({ index: 0, gpu: 98 }), migDevices: [] },
    { device: device({ index: 1, gpu: 3, used: 1 * GiB }), migDevices: [] },
  ];
  const processes = [
    proc({ pid: 30, device: '1', user: 'bob', command: 'python eval.py', time: '12:34:56' }),
    proc({ pid: 20, device: '0', user: 'bob', type: 'C+G' }),
    proc({ pid: 10, device: '0', user: 'alice', cmdline: ['No Such Process'], running: false, cpu: NA, mem: NA, time: NA }),
    proc({ pid: 11, device: '0', user: 'alice', cmdline: ['Zombie Process'] }),
    proc({ pid: 12345678, device: '0', user: 'verylongusername' }),
  ];

  it('natural order: by GPU, gone processes last, then user, then PID', () => {
    expect(sortNatural(processes).map((p) => p.pid)).toEqual([11, 20, 12345678, 10, 30]);
  });

  it('header, rows and separators at the width, nvitop columns', () => {
    for (const width of [79, 120]) {
      const lines = renderProcessPanel(status(gpus, processes), { ...OPTIONS, width });
      expect(new Set(widths(lines))).toEqual(new Set([width]));
      const text = texts(lines);
      expect(text[1]).toMatch(/^│ Processes: +alice@gpu-node │$/);
      // TIME is as wide as the longest running time ('12:34:56').
      expect(text[2]).toBe(`│ GPU     PID      USER  GPU-MEM %SM %GMBW  ${'%CPU  %MEM      TIME  COMMAND'.padEnd(width - 46)} │`);
      const host = ` 12.5   0.7      1:02  Zombie Process`;
      const cut = host.length > width - 45 ? `${host.slice(0, width - 47)}..` : host;
      expect(text[4]).toBe(`│   0      11 C   alice  2048MiB  40    20 ${cut.padEnd(width - 45)} │`);
      expect(text[5]).toMatch(/^│ {3}0 {6}20 X {5}bob /);
      // PID cut to 7 with '.', user to 7 with '+'.
      expect(text[6]).toContain(' 123456. C verylo+ ');
      expect(text[7]).toMatch(/^│ {3}0 {6}10 C {3}alice .* N\/A {3}N\/A {7}N\/A {2}No Such/);
      expect(text[8]).toBe(`├${'─'.repeat(width - 2)}┤`);
      expect(text[9]).toContain(width > 79 ? '12:34:56  python eval.py' : '12:34:56  python ev..');
      expect(text.at(-1)).toBe(`╘${'═'.repeat(width - 2)}╛`);
    }
  });

  it('colours the GPU index like its device, dims other users, zombie yellow, gone red', () => {
    const lines = renderProcessPanel(status(gpus, processes), { ...OPTIONS, width: 120 });
    const row = (pid: string) => lines.find((l) => lineText(l).slice(5, 13).trim() === pid)!;
    expect(row('30')[1]).toEqual({ text: '   1', style: { fg: 'green' } });
    expect(row('20')[1]?.style).toEqual({ fg: 'red' });
    // The blank after the index is plain (nvitop colours the rest of the row on its own).
    expect(row('20')[2]).toEqual({ text: ' ' });
    expect(row('20')[3]?.style).toEqual({ dim: true });
    expect(row('11')[3]?.style).toEqual({});
    expect(row('11').find((s) => s.text === 'Zombie Process')?.style).toEqual({ fg: 'yellow' });
    expect(row('10').find((s) => s.text === 'No Such Process')?.style).toEqual({ fg: 'red' });
    expect(styleOf(lines, 'alice', 'Processes:')).toEqual({ fg: 'magenta', bold: true });
    expect(styleOf(lines, 'gpu-node', 'Processes:')).toEqual({ fg: 'green', bold: true });
    const root = renderProcessPanel(status(gpus, processes, { superuser: true, currentUser: 'root' }), OPTIONS);
    expect(root.find((l) => lineText(l).slice(5, 13).trim() === '20')?.[3]?.style).toEqual({});
    expect(styleOf(root, 'root', 'Processes:')).toEqual({ fg: 'yellow', bold: true });
  });

  it('cuts long commands with .. to the width', () => {
    const long = proc({ pid: 5, device: '0', command: `python ${'x'.repeat(200)}.py` });
    const text = texts(renderProcessPanel(status(gpus, [long]), OPTIONS));
    expect(text[4]).toMatch(/python x+\.\. │$/);
    expect(stringWidth(text[4]!)).toBe(79);
  });

  it('says when there are no processes (and that it is WSL)', () => {
    expect(texts(renderProcessPanel(status(gpus, []), OPTIONS))[4]).toBe(`│  ${'No running processes found'.padEnd(74)} │`);
    expect(texts(renderProcessPanel(status(gpus, [], { wsl: true }), OPTIONS))[4]).toContain('No running processes found (in WSL)');
  });

  it('marks the selected row in reverse video and scrolls the host columns (monitor)', () => {
    const lines = renderProcessPanel(status(gpus, processes), OPTIONS, { selection: { pid: 30, deviceIndex: '1' }, scroll: 6 });
    const row = lines.find((l) => lineText(l).slice(5, 13).trim() === '30')!;
    expect(row.slice(1, -1).every((s) => s.style?.reverse === true)).toBe(true);
    expect(texts(lines)[2]).toContain('%MEM      TIME  COMMAND');
    expect(texts(lines)[2]).not.toContain('%CPU');
  });
});

describe('once mode', () => {
  it('width: 79 without devices or a non-TTY; else the terminal up to 140, wider only for long commands', () => {
    const short = [proc({ pid: 1, device: '0' })];
    const long = [proc({ pid: 1, device: '0', command: `x ${'y'.repeat(300)}` })];
    expect(onceWidth(0, short, 200)).toBe(79);
    expect(onceWidth(2, short, 79)).toBe(79);
    expect(onceWidth(2, short, 60)).toBe(79);
    expect(onceWidth(2, short, 90)).toBe(90);
    expect(onceWidth(2, short, 120)).toBe(120);
    expect(onceWidth(2, short, 200)).toBe(140);
    expect(onceWidth(2, long, 200)).toBe(200);
    // 45 + ' 12.5   0.7  1:02  ' + the command.
    expect(onceWidth(2, long, 400)).toBe(45 + 19 + 'x '.length + 300);
  });

  it('prints the date, devices, host, a blank line and processes, all at one width', () => {
    const data = status([{ device: device({ index: 0 }), migDevices: [] }], [proc({ pid: 7, device: '0' })]);
    const lines = renderOnce(data, { ...OPTIONS, width: 120 });
    const text = texts(lines);
    expect(text[0]).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} 2026$/);
    const blank = text.indexOf('');
    expect(text[blank - 2]).toMatch(/^\[ CPU: /);
    expect(text[blank - 1]).toMatch(/^\[ MEM: /);
    expect(text[blank + 1]).toBe(`╒${'═'.repeat(118)}╕`);
    expect(widths(lines.slice(6, blank).concat(lines.slice(blank + 1)))).toEqual(Array(text.length - 7).fill(120));
  });

  it('ASCII mode has no box-drawing or block characters', () => {
    const data = status([{ device: device({ index: 0 }), migDevices: [] }], [proc({ pid: 7, device: '0' })]);
    const text = texts(renderOnce(data, { ...OPTIONS, width: 130, ascii: true })).join('\n');
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('+===============================+');
    expect(toAscii('╒═╤╕│╞╡├┤▏█░')).toBe('+=++||||||||');
  });

  it('adds a hint when processes are in another PID namespace', () => {
    const hidden = [proc({ pid: 7, device: '0', hidden: true, user: NA, cmdline: ['No Such Process'], running: false }), proc({ pid: 8, device: '0', hidden: true })];
    expect(hiddenHostInfoHint(hidden)).toMatch(/^HINT: 2 GPU processes are not visible in this PID namespace \(a container without --pid=host\?\)/);
    expect(hiddenHostInfoHint([proc({ pid: 9, device: '0' })])).toBeNull();
    const text = texts(renderOnce(status([{ device: device({ index: 0 }), migDevices: [] }], hidden), OPTIONS));
    expect(text.at(-1)).toMatch(/^HINT: 2 GPU processes/);
    // Their command shows N/A rather than a misleading 'No Such Process'.
    expect(text.find((t) => t.includes('      7 '))).not.toContain('No Such Process');
  });

  it('names the NVML functions the driver lacks', () => {
    expect(missingFunctionsNote([])).toBeNull();
    expect(missingFunctionsNote(['nvmlDeviceGetFanSpeed_v2', 'nvmlDeviceGetMigMode'])).toBe(
      'NOTE: The NVIDIA driver lacks 2 NVML functions, shown as N/A: nvmlDeviceGetFanSpeed_v2, nvmlDeviceGetMigMode.',
    );
  });
});

describe('--json document', () => {
  it('keeps every snapshot field, MIG devices and processes; NA is null', () => {
    const data = status([{ device: device({ index: 0, migMode: 'Enabled' }), migDevices: [device({ index: [0, 0] })], processGpuMemory: 2 * GiB }], [proc({ pid: 7, device: '0:0' })]);
    const doc = JSON.parse(JSON.stringify(toJsonDocument(data, [9]))) as Record<string, unknown>;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.invalidIndices).toEqual([9]);
    expect(doc.time).toBe('2026-05-20T12:00:00.000Z');
    const [gpu] = doc.devices as Record<string, unknown>[];
    expect(Object.keys(gpu!)).toEqual(expect.arrayContaining(Object.keys(data.devices[0]!.device)));
    expect(gpu!.fanSpeed).toBeNull();
    expect(gpu!.processGpuMemory).toBe(2 * GiB);
    expect((gpu!.migDevices as Record<string, unknown>[])[0]!.displayIndex).toBe('0:0');
    expect((doc.processes as Record<string, unknown>[])[0]!.deviceIndex).toBe('0:0');
  });
});

describe('ANSI output', () => {
  it('colours only a TTY unless forced; NO_COLOR, ANSI_COLORS_DISABLED, TERM=dumb turn it off; FORCE_COLOR on', () => {
    const at = (isTTY: boolean, forceColor: boolean, env: NodeJS.ProcessEnv) => shouldColor({ isTTY, forceColor, env });
    expect(at(true, false, {})).toBe(true);
    expect(at(false, false, {})).toBe(false);
    expect(at(false, false, { FORCE_COLOR: '1' })).toBe(false);
    expect(at(false, true, { NO_COLOR: '1' })).toBe(true);
    expect(at(true, false, { NO_COLOR: '' })).toBe(false);
    expect(at(true, false, { ANSI_COLORS_DISABLED: '1' })).toBe(false);
    expect(at(true, false, { TERM: 'dumb' })).toBe(false);
    expect(at(true, false, { TERM: 'dumb', FORCE_COLOR: '1' })).toBe(true);
  });
  it('wraps each run of one style in SGR sequences as termcolor writes them, plain text otherwise', () => {
    const lines: Line[] = [
      [{ text: 'GPU ' }, { text: '0', style: { fg: 'green', bold: true } }],
      [{ text: 'x', style: { fg: 208, dim: true } }],
      // Adjacent segments in one style make one run (nvitop colours `[ CPU: … ]` in one call).
      [{ text: '[ ', style: { fg: 'cyan', bold: true } }, { text: 'CPU', style: { bold: true, fg: 'cyan' } }, { text: ' ]', style: { fg: 'cyan', bold: true } }, { text: '  ' }],
    ];
    expect(toText(lines, { color: true })).toBe('GPU \x1b[1m\x1b[32m0\x1b[0m\n\x1b[2m\x1b[38;5;208mx\x1b[0m\n\x1b[1m\x1b[36m[ CPU ]\x1b[0m  \n');
    expect(toText(lines, { color: false })).toBe('GPU 0\nx\n[ CPU ]  \n');
    expect(sgrParameters({ fg: 'white' }, true)).toBe('30');
    expect(colorMessage('ERROR: Invalid device index: 9.', true)).toBe('\x1b[1m\x1b[31mERROR:\x1b[0m Invalid device index: 9.');
    expect(colorMessage('NVML ERROR: x', true).startsWith('\x1b[1m\x1b[31mNVML ERROR:')).toBe(true);
    expect(colorMessage('ERROR: x', false)).toBe('ERROR: x');
  });
});
