/**
 * History graphs as nvitop draws them: one point per second (the mean of the values added in
 * that second; seconds skipped between refreshes are interpolated), drawn with Braille dots, two
 * points per column, so a graph `w` columns wide shows the last `2w` seconds. A row of a column
 * holds `round(5 × (filled rows − row))` dots, at most 4 (nvitop's rule, ties to even); any
 * known value shows at least a fifth of a row. Upward graphs fill from the bottom, upside-down
 * ones from the top.
 *
 * @module
 */
import { host, isNA, NA, type Maybe } from '../../core/index.js';

/** Options of a {@link HistoryGraph}. */
export interface HistoryGraphOptions {
  /** Rows of the graph. */
  readonly height: number;
  /** Fill from the top instead of the bottom. */
  readonly upsideDown?: boolean;
  /** The value drawn as a full column (default 100). */
  readonly upperBound?: number;
  /** Seconds per sample (default 1). */
  readonly sampleSeconds?: number;
  /** Samples kept (default 2049: enough for a 1024-column graph). */
  readonly capacity?: number;
  /**
   * Scale to the visible data: the full column is 1.25 × the largest visible value, kept
   * between `minBound` and `upperBound`.
   */
  readonly dynamicBound?: boolean;
  /** Smallest full-column value of a dynamic graph (default 10 % of `upperBound`). */
  readonly minBound?: number;
}

// Braille dot bits, bottom to top, for the left and the right dot column.
const LEFT_UP = [0x40, 0x04, 0x02, 0x01];
const RIGHT_UP = [0x80, 0x20, 0x10, 0x08];
const LEFT_DOWN = [0x01, 0x02, 0x04, 0x40];
const RIGHT_DOWN = [0x08, 0x10, 0x20, 0x80];

/**
 * A time series of one value with a Braille rendering.
 *
 * @example
 * ```ts
 * const cpu = new HistoryGraph({ height: 5 });
 * cpu.add(42, Date.now());
 * cpu.render(77); // 5 strings of 77 columns
 * ```
 */
export class HistoryGraph {
  private readonly samples: number[] = [];
  private lastSlot: number | undefined;
  private slotSum = 0;
  private slotCount = 0;
  private latest: Maybe<number> = NA;
  private readonly height: number;
  private readonly upsideDown: boolean;
  private readonly upperBound: number;
  private readonly sampleMs: number;
  private readonly capacity: number;
  private readonly dynamicBound: boolean;
  private readonly minBound: number;

  /**
   * @param options the graph's shape
   * @example
   * ```ts
   * new HistoryGraph({ height: 4, upsideDown: true });
   * ```
   */
  constructor(options: HistoryGraphOptions) {
    this.height = options.height;
    this.upsideDown = options.upsideDown ?? false;
    this.upperBound = options.upperBound ?? 100;
    this.sampleMs = (options.sampleSeconds ?? 1) * 1000;
    this.capacity = options.capacity ?? 2049;
    this.dynamicBound = options.dynamicBound ?? false;
    this.minBound = options.minBound ?? 0.1 * this.upperBound;
  }

  /**
   * Record a value at a time (milliseconds). Values within one second make one point, their
   * mean; seconds skipped since the last value are filled by linear interpolation; NA is stored
   * as a gap.
   *
   * @example
   * ```ts
   * graph.add(device.gpuUtilization, Date.now());
   * ```
   */
  add(value: Maybe<number>, timestamp: number): void {
    const v = isNA(value) || !Number.isFinite(value) ? Number.NaN : value;
    this.latest = Number.isNaN(v) ? NA : v;
    const slot = Math.floor(timestamp / this.sampleMs);
    if (this.lastSlot !== undefined && slot === this.lastSlot) {
      // Another value in the same second: the point is their mean.
      if (!Number.isNaN(v)) {
        this.slotSum += v;
        this.slotCount += 1;
      }
      this.samples[this.samples.length - 1] = this.slotCount > 0 ? this.slotSum / this.slotCount : Number.NaN;
      return;
    }
    if (this.lastSlot === undefined || slot < this.lastSlot) {
      this.samples.push(v);
    } else {
      const previous = this.samples[this.samples.length - 1] as number;
      const steps = Math.min(slot - this.lastSlot, this.capacity);
      for (let i = 1; i < steps; i += 1) {
        this.samples.push(Number.isNaN(previous) || Number.isNaN(v) ? Number.NaN : previous + ((v - previous) * i) / steps);
      }
      this.samples.push(v);
    }
    this.slotSum = Number.isNaN(v) ? 0 : v;
    this.slotCount = Number.isNaN(v) ? 0 : 1;
    this.lastSlot = slot;
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  /**
   * The last value added (NA before the first, or when it was NA).
   *
   * @example
   * ```ts
   * graph.lastValue; // 42
   * ```
   */
  get lastValue(): Maybe<number> {
    return this.latest;
  }

  /**
   * Number of samples stored.
   *
   * @example
   * ```ts
   * graph.length; // 61 after a minute
   * ```
   */
  get length(): number {
    return this.samples.length;
  }

  /**
   * The largest of the last `count` samples (NA when there is none).
   *
   * @example
   * ```ts
   * graph.maxValue(154); // the peak of what a 77-column graph shows
   * ```
   */
  maxValue(count = this.samples.length): Maybe<number> {
    let max = Number.NaN;
    for (let i = Math.max(0, this.samples.length - count); i < this.samples.length; i += 1) {
      const v = this.samples[i] as number;
      if (!Number.isNaN(v) && !(v <= max)) max = v;
    }
    return Number.isNaN(max) ? NA : max;
  }

  private dots(value: number | undefined, row: number, bound: number, height: number): number {
    if (value === undefined || Number.isNaN(value)) return 0;
    let filled = height * Math.min(value / bound, 1);
    if (filled >= 0) filled = Math.max(filled, 0.2);
    return Math.min(Math.max(host.pyRound(5 * (filled - row)), 0), 4);
  }

  /**
   * The graph as `height` strings of `width` columns (Braille characters and spaces), newest
   * sample at the right edge. `height` defaults to the graph's own.
   *
   * @example
   * ```ts
   * graph.render(20).length; // graph height
   * ```
   */
  render(width: number, height: number = this.height): string[] {
    const rows: string[] = [];
    const n = this.samples.length;
    const left = this.upsideDown ? LEFT_DOWN : LEFT_UP;
    const right = this.upsideDown ? RIGHT_DOWN : RIGHT_UP;
    let bound = this.upperBound;
    if (this.dynamicBound) {
      const max = this.maxValue(2 * width);
      bound = Math.min(Math.max(isNA(max) ? 0 : 1.25 * max, this.minBound), this.upperBound);
    }
    if (!(bound > 0)) bound = 1;
    for (let line = 0; line < height; line += 1) {
      // Row counted from the filled edge.
      const row = this.upsideDown ? line : height - 1 - line;
      let text = '';
      for (let column = 0; column < width; column += 1) {
        const newer = n - 1 - 2 * (width - 1 - column);
        const a = this.dots(newer - 1 >= 0 ? this.samples[newer - 1] : undefined, row, bound, height);
        const b = this.dots(newer >= 0 ? this.samples[newer] : undefined, row, bound, height);
        let bits = 0;
        for (let i = 0; i < a; i += 1) bits |= left[i] as number;
        for (let i = 0; i < b; i += 1) bits |= right[i] as number;
        text += bits === 0 ? ' ' : String.fromCharCode(0x2800 + bits);
      }
      rows.push(text);
    }
    return rows;
  }
}

/**
 * Where the `╴30s├` style time labels of a graph `width` columns wide go: the column (0-based,
 * within the graph) of the `├` for each label that fits.
 *
 * @example
 * ```ts
 * timeLabelColumns(77); // [{ seconds: 30, column: 62 }, { seconds: 60, column: 47 }, { seconds: 120, column: 17 }]
 * ```
 */
export function timeLabelColumns(
  width: number,
  labels: readonly number[] = [30, 60, 120, 180, 240, 300],
): { seconds: number; column: number }[] {
  const out: { seconds: number; column: number }[] = [];
  for (const seconds of labels) {
    const column = width - seconds / 2;
    const label = `╴${seconds}s`;
    if (column - label.length < 0) break;
    out.push({ seconds, column });
  }
  return out;
}
