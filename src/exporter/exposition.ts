/**
 * nvitop-exporter's families written as Prometheus text straight from a sample: the same bytes
 * that prom-client's registry writes for the gauges of `ExporterFamilies` (family order, label
 * order, `Nan`/`+Inf` values, escaping), without a gauge, a label hash or a label object per
 * series. Each row's label text is built once per sample and shared by every family of that
 * row (a process's labels by its nine gauges and `process_info_info`), and the text of a sample
 * is written once however many scrapes read it.
 *
 * @module
 */
import { orNaN, type host } from '../core/index.js';
import {
  ALLOCATION_INFO,
  DEVICE_GAUGES,
  DISK_IO_GAUGES,
  DISK_USAGE_GAUGES,
  HOST_GAUGES,
  LINK_GAUGES,
  NET_GAUGES,
  NVITOP_INFO,
  PROCESS_GAUGES,
  PROCESS_INFO,
  exposedName,
  type GaugeSpec,
  type HostFacts,
  type ProcessFacts,
} from './metrics.js';
import type { NvitopInfo } from './families.js';
import type { ExporterSample } from './sample.js';

/** A value as prom-client writes it (`Nan`, `+Inf`, `-Inf`, else JavaScript's number text). */
export function sampleValueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

const NEEDS_ESCAPE = /[\\\n"]/;

/** A label value escaped for the text format (backslash, newline, double quote). */
function labelValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value;
}

/** `# HELP` and `# TYPE` lines of a gauge family. */
function header(name: string, help: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} gauge`;
}

/** One row of a family: the label text (without braces) and the source its values are read from. */
type Row<S> = readonly [labels: string, source: S];

/** A family of gauges over rows of one kind. */
interface GaugeFamily<S> {
  readonly name: string;
  readonly header: string;
  readonly spec: GaugeSpec<S>;
}

function gaugeFamilies<S>(specs: readonly GaugeSpec<S>[]): GaugeFamily<S>[] {
  return specs.map((spec) => {
    const name = exposedName(spec);
    return { name, header: header(name, spec.help), spec };
  });
}

function gaugeBlock<S>(family: GaugeFamily<S>, rows: readonly Row<S>[]): string {
  let text = family.header;
  const prefix = `\n${family.name}{`;
  const read = family.spec.read;
  for (const [labels, source] of rows) text += `${prefix}${labels}} ${sampleValueText(orNaN(read(source)))}`;
  return text;
}

/** An info family: every row's value is 1. */
function infoBlock(name: string, headerText: string, rows: readonly string[]): string {
  let text = headerText;
  for (const labels of rows) text += `\n${name}{${labels}} 1`;
  return text;
}

/** The rows of one sample, label text built once each. */
interface SampleRows {
  readonly host: readonly Row<HostFacts>[];
  readonly net: readonly Row<host.NetIoCounters>[];
  readonly diskIo: readonly Row<host.DiskIoCounters>[];
  readonly diskUsage: readonly Row<host.DiskUsage>[];
  readonly device: readonly Row<ExporterSample['devices'][number]['facts']>[];
  readonly link: readonly Row<ExporterSample['devices'][number]['links'][number]>[];
  readonly process: readonly Row<ProcessFacts>[];
  readonly processInfo: readonly string[];
  readonly allocation: readonly string[];
}

/** A sample, its rows, and the blocks (and whole text) written from it so far. */
interface WrittenSample {
  readonly sample: ExporterSample;
  readonly rows: SampleRows;
  readonly blocks: Map<string, string>;
  text?: string;
}

/**
 * Writes the exposition text of nvitop-exporter's families for a sample. `kubernetes` adds the
 * workload labels to the process families and the `gpu_allocation_info` family, as
 * `ExporterFamilies` does.
 *
 * @example
 * ```ts
 * const writer = new ExpositionWriter('node-1', info, false);
 * const text = writer.text(collectSample(devices)); // '# HELP nvitop_info …'
 * ```
 */
export class ExpositionWriter {
  readonly #kubernetes: boolean;
  readonly #infoBlock: string;
  readonly #hostLabels: string;
  readonly #hostname: string;
  readonly #blocks: ReadonlyArray<readonly [name: string, write: (rows: SampleRows) => string]>;
  #last: WrittenSample | undefined;
  /** Label text of each device, kept while its label values stay the same. */
  readonly #deviceLabels = new Map<string, { readonly key: string; readonly text: string }>();

  constructor(hostname: string, info: NvitopInfo, kubernetes: boolean) {
    this.#kubernetes = kubernetes;
    this.#hostname = hostname;
    this.#hostLabels = `hostname="${labelValue(hostname)}"`;
    const infoLabels =
      `${this.#hostLabels},device_count="${labelValue(String(info.deviceCount))}",` +
      `driver_version="${labelValue(info.driverVersion)}",cuda_driver_version="${labelValue(info.cudaDriverVersion)}"`;
    this.#infoBlock = infoBlock(NVITOP_INFO.name, header(NVITOP_INFO.name, NVITOP_INFO.help), [infoLabels]);

    const blocks: Array<readonly [string, (rows: SampleRows) => string]> = [[NVITOP_INFO.name, () => this.#infoBlock]];
    const add = <S>(specs: readonly GaugeSpec<S>[], pick: (rows: SampleRows) => readonly Row<S>[]) => {
      for (const family of gaugeFamilies(specs)) blocks.push([family.name, (rows) => gaugeBlock(family, pick(rows))]);
    };
    add(HOST_GAUGES, (rows) => rows.host);
    add(NET_GAUGES, (rows) => rows.net);
    add(DISK_IO_GAUGES, (rows) => rows.diskIo);
    add(DISK_USAGE_GAUGES, (rows) => rows.diskUsage);
    add(DEVICE_GAUGES, (rows) => rows.device);
    add(LINK_GAUGES, (rows) => rows.link);
    const processInfoHeader = header(PROCESS_INFO.name, PROCESS_INFO.help);
    blocks.push([PROCESS_INFO.name, (rows) => infoBlock(PROCESS_INFO.name, processInfoHeader, rows.processInfo)]);
    add(PROCESS_GAUGES, (rows) => rows.process);
    if (kubernetes) {
      const allocationHeader = header(ALLOCATION_INFO.name, ALLOCATION_INFO.help);
      blocks.push([ALLOCATION_INFO.name, (rows) => infoBlock(ALLOCATION_INFO.name, allocationHeader, rows.allocation)]);
    }
    this.#blocks = blocks;
  }

  /** The family names, in the order they are written. */
  get names(): string[] {
    return this.#blocks.map(([name]) => name);
  }

  /** Every family of `sample`, blocks separated by an empty line, ending with a newline. */
  text(sample: ExporterSample): string {
    const state = this.#state(sample);
    state.text ??= `${this.#blocks.map(([name, write]) => this.#block(state, name, write)).join('\n\n')}\n`;
    return state.text;
  }

  /** The block of family `name` for `sample` (no final newline), or undefined for another name. */
  family(sample: ExporterSample, name: string): string | undefined {
    const entry = this.#blocks.find(([family]) => family === name);
    return entry === undefined ? undefined : this.#block(this.#state(sample), name, entry[1]);
  }

  #block(state: WrittenSample, name: string, write: (rows: SampleRows) => string): string {
    let block = state.blocks.get(name);
    if (block === undefined) {
      block = write(state.rows);
      state.blocks.set(name, block);
    }
    return block;
  }

  #state(sample: ExporterSample): WrittenSample {
    if (this.#last?.sample !== sample) this.#last = { sample, rows: this.#rows(sample), blocks: new Map() };
    return this.#last;
  }

  #deviceLabelText(labels: ExporterSample['devices'][number]['labels']): string {
    const key = `${labels.devicename}\n${labels.uuid}`;
    const cached = this.#deviceLabels.get(labels.index);
    if (cached !== undefined && cached.key === key) return cached.text;
    const text = `${this.#hostLabels},index="${labelValue(labels.index)}",devicename="${labelValue(labels.devicename)}",uuid="${labelValue(labels.uuid)}"`;
    if (this.#deviceLabels.size > 4096) this.#deviceLabels.clear();
    this.#deviceLabels.set(labels.index, { key, text });
    return text;
  }

  #rows(sample: ExporterSample): SampleRows {
    const hostLabels = this.#hostLabels;
    const keyed = <S>(name: string, entries: ReadonlyMap<string, S>): Row<S>[] =>
      [...entries].map(([key, source]) => [`${hostLabels},${name}="${labelValue(key)}"`, source] as const);
    const device: Array<Row<ExporterSample['devices'][number]['facts']>> = [];
    const link: Array<Row<ExporterSample['devices'][number]['links'][number]>> = [];
    const process: Array<Row<ProcessFacts>> = [];
    const processInfo: string[] = [];
    const allocation: string[] = [];
    for (const d of sample.devices) {
      const labels = this.#deviceLabelText(d.labels);
      device.push([labels, d.facts]);
      d.links.forEach((facts, i) => link.push([`${labels},link="${i}"`, facts]));
      for (const p of d.processes) {
        let text = `${labels},pid="${p.pid}",username="${labelValue(String(p.username))}"`;
        if (this.#kubernetes) {
          const w = p.workload ?? { pod: '', namespace: '', container: '' };
          text += `,pod="${labelValue(w.pod)}",namespace="${labelValue(w.namespace)}",container="${labelValue(w.container)}"`;
        }
        process.push([text, p]);
        processInfo.push(`${text},status="${labelValue(String(p.status))}",command="${labelValue(p.command)}"`);
      }
      if (this.#kubernetes) {
        const dcgm = `${labels},UUID="${labelValue(d.dcgm.UUID)}",GPU_I_ID="${labelValue(d.dcgm.GPU_I_ID)}"`;
        for (const a of d.allocations) {
          allocation.push(
            `${dcgm},pod="${labelValue(a.pod)}",namespace="${labelValue(a.namespace)}",container="${labelValue(a.container)}",resource="${labelValue(a.resourceName)}"`,
          );
        }
      }
    }
    return {
      host: [[`${hostLabels}`, sample.host]],
      net: keyed('interface', sample.net),
      diskIo: keyed('partition', sample.diskIo),
      diskUsage: keyed('mountpoint', sample.diskUsage),
      device,
      link,
      process,
      processInfo,
      allocation,
    };
  }

  /** The hostname label value. */
  get hostname(): string {
    return this.#hostname;
  }
}
