/**
 * A reference model of nvitop 1.7.0's device panel, written for the tests from nvitop's layout
 * rules (its format strings, its bar-chart rule, its border joints) and driven by a fake NVML
 * scenario's raw values, not by src/. The layout tests check it against real nvitop's printed
 * output (test/cli/golden/nvitop-1.7.0) and then check our CLI against it on every scenario.
 *
 * Rules taken from nvitop 1.7.0 (nvitop/tui/screens/main/panels/device.py and
 * nvitop/tui/library/utils.py, read for behaviour):
 * - full rows: `│ {index:>3}  {name:<19} {persistence:>4} │ {bus_id:<16} {display:>3} │ {ecc:>20} │`
 *   and `│ {fan:>3}  {temp:>4}  {perf:^4} {power:>13} │ {memory:>20} │ {util:>7}  {compute:>11} │`;
 *   with MIG support the ECC cell is `{mig_mode:>8}  {ecc:>10}`;
 * - compact row: `│ {index:>3} {fan:>3} {temp:>4} {perf:<3}{power:>13} │ …`, `{perf:>3}` when every
 *   power limit text is shorter than 5 characters;
 * - MIG rows: `│{index:>2}:{mig:<2}{name:>12} @ GI/CI:{gi:>2}/{ci:<2}│ {memory:>20} │ BAR1: {used:>8} / {pct:>3} │`;
 * - bars from 100 columns (`extra = width − 79`): one column of width `extra − 3`, or from 44
 *   extra columns two of `(extra − 5) // 2 − 1` and `(extra − 6) // 2 + 1`; a bar holds
 *   `max(1, round(8 × (width − len(prefix) − 6) × percent))` eighths; the text beside it is placed
 *   by the swap rule (see {@link barChart}).
 */
import type { FakeDevice, FakeScenario } from './fake-nvml.js';
import { humanSize } from '../cli/nvitop-run.js';

type Value = string | number | null;
const NA = null;

const text = (value: Value): string => (value === null ? 'N/A' : String(value));
const rjust = (value: Value, width: number): string => text(value).padStart(width);
const ljust = (value: Value, width: number): string => text(value).padEnd(width);
/** Python's `format(s, '^n')`: the extra blank goes to the right. */
const centre = (value: Value, width: number): string => {
  const s = text(value);
  const left = Math.max(0, Math.floor((width - s.length) / 2));
  return (' '.repeat(left) + s).padEnd(width);
};
/** Python's round() to an integer: ties to even. */
const roundHalfEven = (x: number): number => {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
};

/**
 * nvitop's `make_bar_chart(prefix, percent, width, extra_text, swap_text, extra_blank=' ')`.
 * A known value: the bar, then the percentage (one decimal for a float when it fits, else an
 * integer, MAX from 100). An unknown one: `░` fill and `N/A`, or the extra text in N/A's place
 * when swapping and it fits. Then the extra text: at the right end after the percentage when
 * both fit (swapped: the extra text after the bar and the percentage at the right end), else
 * (swapping) the extra text alone after the bar, else the percentage alone.
 */
export function barChart(prefix: string, percent: number | null, isFloat: boolean, width: number, extra: string, swap: boolean): string {
  let bar = `${prefix}: `;
  let value: string;
  if (percent !== null) {
    const fraction = Math.max(0, Math.min(percent / 100, 1));
    const eighths = Math.max(1, roundHalfEven(8 * (width - bar.length - 4) * fraction));
    bar += '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 > 0 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '');
    const decimal = `${percent.toFixed(1)}%`;
    value = isFloat && `${bar} ${decimal}`.length <= width ? decimal : Math.min(roundHalfEven(percent), 100) === 100 ? 'MAX' : `${Math.min(roundHalfEven(percent), 100)}%`;
  } else {
    value = 'N/A';
    if (extra !== '' && swap && bar.length + extra.length + 2 <= width) {
      value = extra;
      extra = '';
    }
    bar += '░'.repeat(width - bar.length - value.length - 1);
  }
  if (extra !== '') {
    if (`${bar} ${value}  ${extra}`.length <= width) {
      const [first, last] = swap ? [extra, value] : [value, extra];
      return `${bar} ${first}`.padEnd(width - last.length - 2) + `  ${last}`;
    }
    if (swap && `${bar} ${extra}`.length <= width) return `${bar} ${extra}`.padEnd(width);
  }
  return `${bar} ${value}`.padEnd(width);
}

/** What one row of the panel shows for a device. */
interface ModelDevice {
  readonly mig: boolean;
  readonly physicalIndex: number;
  readonly migIndex: number;
  readonly name: Value;
  readonly persistence: Value;
  readonly busId: Value;
  readonly display: Value;
  readonly ecc: Value;
  readonly migMode: Value;
  readonly fan: Value;
  readonly temperature: Value;
  readonly perf: Value;
  readonly power: string;
  readonly powerLimitText: string;
  readonly memory: string;
  readonly util: Value;
  readonly compute: Value;
  readonly gi: Value;
  readonly ci: Value;
  readonly bar1Used: Value;
  readonly bar1Percent: Value;
  readonly memoryPercent: number | null;
  readonly memoryUsedHuman: Value;
  readonly gpuUtil: number | null;
  readonly memUtil: number | null;
  readonly smClock: number | null;
  readonly memClock: number | null;
  readonly powerPercent: number | null;
  readonly powerUsageText: string;
}

const onOff = (v: number | boolean | undefined): Value => (v === undefined ? NA : v === true || v === 1 ? 'On' : 'Off');
const COMPUTE = ['Default', 'E. Thread', 'Prohibited', 'E. Process'];
const watts = (mw: number | undefined): string => (mw === undefined ? 'N/A' : `${roundHalfEven(mw / 1000)}W`);

function modelDevice(d: FakeDevice, scenario: FakeScenario, physicalIndex: number, migIndex: number, parent?: FakeDevice): ModelDevice {
  const mig = parent !== undefined;
  const lost = d.handleError !== undefined;
  const dead = lost || d.errors?.['*'] !== undefined || parent?.errors?.['*'] !== undefined;
  const has = <T>(value: T | undefined): T | undefined => (dead ? undefined : value);
  const migOn = (m: FakeDevice['migMode']): boolean => (typeof m === 'number' ? m === 1 : m?.current === 1);
  const v1Memory = (scenario.missingSymbols ?? []).includes('nvmlDeviceGetMemoryInfo_v2');
  const memory = has(d.memory);
  const used = memory?.used === undefined ? undefined : memory.used + (v1Memory ? (memory.reserved ?? 0) : 0);
  const total = memory?.total;
  let name: Value = has(d.name) ?? (lost ? (d.handleError === 15 || d.handleError === 'GPU_IS_LOST' ? 'ERROR: GPU is Lost' : 'ERROR: Unknown') : NA);
  if (typeof name === 'string' && name.startsWith('NVIDIA ')) name = name.slice('NVIDIA '.length);
  if (mig && typeof name === 'string') name = name.slice(name.lastIndexOf(' ') + 1);
  else if (typeof name === 'string' && name.length > 19) name = `..${name.slice(-17)}`;
  const pci = has(d.pci) ?? (mig ? has(parent?.pci) : undefined);
  const hex = (n: number, w: number): string => n.toString(16).toUpperCase().padStart(w, '0');
  const utilization = migOn(d.migMode) || mig ? undefined : has(d.utilization);
  const fan = has(d.fanSpeed);
  const powerUsage = has(d.powerUsage);
  const powerLimit = has(d.powerLimit);
  const bar1 = has(d.bar1);
  const bar1Pct = bar1?.used === undefined || !bar1.total ? NA : Math.round((100 * bar1.used) / bar1.total);
  const usedHuman: Value = used === undefined ? NA : humanSize(used);
  const totalHuman: Value = total === undefined ? NA : humanSize(total);
  return {
    mig,
    physicalIndex,
    migIndex,
    name,
    persistence: onOff(has(d.persistenceMode)),
    busId: pci === undefined ? NA : `${hex(pci.domain ?? 0, 8)}:${hex(pci.bus ?? 0, 2)}:${hex(pci.device ?? 0, 2)}.0`,
    display: onOff(has(d.displayActive)),
    ecc: has(d.eccVolatileUncorrected) ?? NA,
    migMode: has(d.migMode) === undefined ? 'N/A ' : migOn(d.migMode) ? 'Enabled' : 'Disabled',
    fan: fan === undefined ? NA : fan >= 100 ? 'MAX' : `${fan}%`,
    temperature: has(d.temperature) === undefined ? NA : `${d.temperature}C`,
    perf: has(d.performanceState) === undefined ? NA : `P${d.performanceState}`,
    power: `${watts(powerUsage)} / ${watts(powerLimit)}`,
    powerLimitText: watts(powerLimit),
    memory: mig ? `${text(usedHuman)} / ${rjust(totalHuman, 8)}` : `${text(usedHuman)} / ${text(totalHuman)}`,
    util: utilization?.gpu === undefined ? NA : `${utilization.gpu}%`,
    compute: has(d.computeMode) === undefined ? NA : (COMPUTE[d.computeMode!] ?? NA),
    gi: mig ? (d.gpuInstanceId ?? NA) : NA,
    ci: mig ? (d.computeInstanceId ?? NA) : NA,
    bar1Used: bar1?.used === undefined ? NA : humanSize(bar1.used),
    bar1Percent: bar1Pct === NA ? NA : bar1Pct >= 100 ? 'MAX' : `${bar1Pct}%`,
    memoryPercent: used === undefined || !total ? null : Number(((100 * used) / total).toFixed(1)),
    memoryUsedHuman: usedHuman,
    gpuUtil: utilization?.gpu ?? null,
    memUtil: utilization?.memory ?? null,
    smClock: has(d.clocks)?.sm ?? null,
    memClock: has(d.clocks)?.memory ?? null,
    powerPercent: powerUsage === undefined || !powerLimit ? null : Number(((100 * powerUsage) / powerLimit).toFixed(1)),
    powerUsageText: watts(powerUsage),
  };
}

type Intensity = 0 | 1 | 2;
/** nvitop's loading intensity: unknown counts as moderate. */
const intensity = (value: number | null, thresholds: readonly [number, number]): Intensity =>
  value === null ? 1 : value >= thresholds[1] ? 2 : value >= thresholds[0] ? 1 : 0;
const COLOR_CODE = [32, 33, 31] as const; // green, yellow, red (termcolor)
const MEMORY: readonly [number, number] = [10, 80];
const GPU: readonly [number, number] = [10, 75];

/** The termcolor code of a device's row, or of one of its bars. */
function colorOf(device: ModelDevice, what: 'row' | 'MEM' | 'UTL' | 'MBW' | 'PWR'): number {
  if (typeof device.name === 'string' && device.name.startsWith('ERROR:')) return 31;
  const memory = intensity(device.memoryPercent, MEMORY);
  const gpu = intensity(device.gpuUtil, GPU);
  if (what === 'MEM') return COLOR_CODE[memory];
  if (what === 'UTL') return COLOR_CODE[gpu];
  if (what === 'MBW') return COLOR_CODE[intensity(device.memUtil, MEMORY)];
  if (what === 'PWR') return COLOR_CODE[intensity(device.powerPercent, GPU)];
  return COLOR_CODE[device.mig ? memory : (Math.max(memory, gpu) as Intensity)];
}

const paint = (s: string, code: number | null): string => (code === null ? s : `\x1b[${code}m${s}\x1b[0m`);

/** The physical devices of a scenario, each with its MIG devices. */
function modelDevices(scenario: FakeScenario, only?: readonly number[]): { device: ModelDevice; migs: ModelDevice[] }[] {
  return scenario.devices
    .map((d, i) => ({ d, i }))
    .filter(({ i }) => only === undefined || only.includes(i))
    .map(({ d, i }) => {
      const migOn = typeof d.migMode === 'number' ? d.migMode === 1 : d.migMode?.current === 1;
      const migs = migOn && d.handleError === undefined ? (d.migDevices ?? []).map((m, j) => modelDevice(m, scenario, i, j, d)) : [];
      return { device: modelDevice(d, scenario, i, 0, undefined), migs };
    });
}

function bars(device: ModelDevice, widthOfBar: number, which: 'MEM' | 'UTL' | 'MBW' | 'PWR'): string {
  const clock = (mhz: number | null): string => `@ ${mhz === null ? 'N/A' : mhz}MHz`;
  const spec: Record<typeof which, [number | null, boolean, string]> = {
    MEM: [device.memoryPercent, true, text(device.memoryUsedHuman)],
    UTL: [device.gpuUtil, false, clock(device.smClock)],
    MBW: [device.memUtil, false, clock(device.memClock)],
    PWR: [device.powerPercent, true, device.powerUsageText],
  };
  const [percent, isFloat, extra] = spec[which];
  return barChart(which, percent, isFloat, widthOfBar, extra.includes('N/A') ? '' : extra, !extra.endsWith('MHz'));
}

/** Joints of a horizontal border between two rows (by the columns of their `│`). */
function border(width: number, above: string, below: string, double: boolean): string {
  const up = new Set([...above].flatMap((c, i) => (c === '│' ? [i] : [])));
  const down = new Set([...below].flatMap((c, i) => (c === '│' ? [i] : [])));
  const set = double ? ['═', '╒╤╕', '╘╧╛', '╞╪╡'] : ['─', '┌┬┐', '└┴┘', '├┼┤'];
  let out = '';
  for (let x = 0; x < width; x += 1) {
    const k = (up.has(x) ? 2 : 0) + (down.has(x) ? 1 : 0);
    const place = x === 0 ? 0 : x === width - 1 ? 2 : 1;
    out += k === 0 ? set[0] : (set[k] as string)[place];
  }
  return out;
}

/**
 * nvitop 1.7.0's device panel for a scenario at a width (79 at least): from the top border to the
 * bottom border, full (`nvitop -1`) or compact (the monitor's compact mode).
 */
export function nvitopDevicePanel(scenario: FakeScenario, width: number, options: { compact?: boolean; version?: string; only?: readonly number[]; color?: boolean } = {}): string[] {
  const compact = options.compact === true;
  const color = options.color === true;
  const entries = modelDevices(scenario, options.only);
  const cuda = scenario.cudaDriverVersion ?? 12060;
  const infos = [`NVITOP ${options.version ?? '1.7.0'}`, `Driver Version: ${scenario.driverVersion ?? '560.35.03'}`, `CUDA Driver Version: ${Math.floor(cuda / 1000)}.${Math.floor((cuda % 1000) / 10)}`];
  if (infos.join('').length % 2 === 0) infos[0] += ' ';
  const gap = ' '.repeat(Math.max(2, Math.floor((75 - infos.join('').length) / 2)));
  const lines = [`╒${'═'.repeat(77)}╕`, `│ ${infos.join(gap).padEnd(75)} │`];
  if (entries.length === 0) return [...lines, `╞${'═'.repeat(77)}╡`, `│  ${'No visible devices found'.padEnd(74)} │`, `╘${'═'.repeat(77)}╛`];
  const all = entries.flatMap((e) => [e.device, ...e.migs]);
  const supportMig = all.some((d) => !d.mig && d.migMode !== 'N/A ');
  const perfRight = all.filter((d) => !d.mig).every((d) => d.powerLimitText.length < 5);
  const titles = compact
    ? ['│ GPU Fan Temp Perf Pwr:Usg/Cap │         Memory-Usage │ GPU-Util  Compute M. │']
    : [
        `│ GPU  Name        Persistence-M│ Bus-Id        Disp.A │ ${supportMig ? 'MIG M.   Uncorr. ECC' : 'Volatile Uncorr. ECC'} │`,
        '│ Fan  Temp  Perf  Pwr:Usage/Cap│         Memory-Usage │ GPU-Util  Compute M. │',
      ];
  lines.push(`├${'─'.repeat(31)}┬${'─'.repeat(22)}┬${'─'.repeat(22)}┤`, ...titles);
  const extra = Math.max(79, width) - 79;
  const left = Math.floor((extra - 5) / 2) - 1;
  const right = Math.floor((extra - 6) / 2) + 1;
  // nvitop colours each cell between the `│`s of a row in the device's colour, and each bar
  // (without the blanks around it) in its own.
  const cellsIn = (row: string, device: ModelDevice): string =>
    row
      .split('│')
      .map((cell) => (cell === '' || !color ? cell : paint(cell, colorOf(device, 'row'))))
      .join('│');
  const bar = (device: ModelDevice, w: number, which: 'MEM' | 'UTL' | 'MBW' | 'PWR'): string => paint(bars(device, w, which), color ? colorOf(device, which) : null);
  const withBars = (rowTexts: string[], matrix: ('MEM' | 'UTL' | 'MBW' | 'PWR')[][], device: ModelDevice): string[] => {
    if (extra < 21) return rowTexts.map((row) => cellsIn(row, device));
    return rowTexts.map((row, i) => {
      const cells = matrix[i] ?? [];
      if (cells.length === 2) return `${cellsIn(row, device)} ${bar(device, left, cells[0]!)} │ ${bar(device, right, cells[1]!)} │`;
      return `${cellsIn(row, device)} ${bar(device, extra - 3, cells[0]!)} │`;
    });
  };
  const plain = (line: string): string => line.replace(/\x1b\[[0-9;]*m/g, '');
  const blocks: string[][] = [];
  for (const { device: d, migs } of entries) {
    let rows: string[];
    if (compact) {
      rows = [`│ ${rjust(d.physicalIndex, 3)} ${rjust(d.fan, 3)} ${rjust(d.temperature, 4)} ${perfRight ? rjust(d.perf, 3) : ljust(d.perf, 3)}${rjust(d.power, 13)} │ ${rjust(d.memory, 20)} │ ${rjust(d.util, 7)}  ${rjust(d.compute, 11)} │`];
    } else {
      const ecc = supportMig ? `${rjust(d.migMode, 8)}  ${rjust(d.ecc, 10)}` : rjust(d.ecc, 20);
      rows = [
        `│ ${rjust(d.physicalIndex, 3)}  ${ljust(d.name, 19)} ${rjust(d.persistence, 4)} │ ${ljust(d.busId, 16)} ${rjust(d.display, 3)} │ ${ecc} │`,
        `│ ${rjust(d.fan, 3)}  ${rjust(d.temperature, 4)}  ${centre(d.perf, 4)} ${rjust(d.power, 13)} │ ${rjust(d.memory, 20)} │ ${rjust(d.util, 7)}  ${rjust(d.compute, 11)} │`,
      ];
    }
    const two = extra >= 44;
    const matrix: ('MEM' | 'UTL' | 'MBW' | 'PWR')[][] = compact ? [two ? ['MEM', 'UTL'] : ['MEM']] : two ? [['MEM', 'MBW'], ['UTL', 'PWR']] : [['MEM'], ['UTL']];
    blocks.push(withBars(rows, matrix, d));
    if (migs.length > 0) {
      blocks.push(
        migs.flatMap((m) =>
          withBars([`│${rjust(m.physicalIndex, 2)}:${ljust(m.migIndex, 2)}${rjust(m.name, 12)} @ GI/CI:${rjust(m.gi, 2)}/${ljust(m.ci, 2)}│ ${rjust(m.memory, 20)} │ BAR1: ${rjust(m.bar1Used, 8)} / ${rjust(m.bar1Percent, 3)} │`], [['MEM']], m),
        ),
      );
    }
  }
  let previous = titles.at(-1)!;
  blocks.forEach((block, i) => {
    const head = plain(block[0]!);
    lines.push(border(Math.max(previous.length, head.length), previous, head, i === 0));
    lines.push(...block);
    previous = plain(block.at(-1)!);
  });
  lines.push(border(previous.length, previous, '', true));
  return lines;
}
