/**
 * An independent, strict reader of the Prometheus text exposition format 0.0.4 (written from the
 * format's description, sharing no code with src/): `# HELP` / `# TYPE` lines, samples with
 * escaped label values, Go-ParseFloat values (NaN, ±Inf in any case), optional timestamps.
 *
 * It throws on anything malformed: a bad name, an unterminated label value, an unknown escape, a
 * duplicate label, a duplicate series, a TYPE after the family's samples, two TYPE or HELP lines
 * for one family, a family split into non-adjacent groups.
 */

export interface PromSample {
  /** Sample name (the family name, or family + `_bucket`/`_sum`/`_count` for histograms). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp?: number;
}

export interface PromFamily {
  readonly name: string;
  help?: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Go's strconv.ParseFloat on the forms an exposition uses. */
export function parseGoFloat(text: string): number {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  throw new Error(`not a float: ${JSON.stringify(text)}`);
}

function unescapeHelp(text: string, line: number): string {
  return text.replace(/\\(.)?/g, (_, c: string | undefined) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`line ${line}: bad escape in HELP`);
  });
}

/** Parses `{a="x",b="y"}` starting at `text[start] === '{'`; returns labels and the index after `}`. */
function parseLabels(text: string, start: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i += 1;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return { labels, end: i + 1 };
    const nameStart = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i] ?? '')) i += 1;
    const name = text.slice(nameStart, i);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (Object.hasOwn(labels, name)) throw new Error(`line ${line}: duplicate label ${name}`);
    skipSpace();
    if (text[i] !== '=') throw new Error(`line ${line}: expected '=' after label ${name}`);
    i += 1;
    skipSpace();
    if (text[i] !== '"') throw new Error(`line ${line}: expected '"' for label ${name}`);
    i += 1;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape \\${e ?? ''} in label ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i += 1;
    }
    i += 1;
    labels[name] = value;
    skipSpace();
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    if (text[i] === '}') return { labels, end: i + 1 };
    throw new Error(`line ${line}: expected ',' or '}' after label ${name}`);
  }
}

function familyOf(sampleName: string, families: Map<string, PromFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      const family = families.get(base);
      if (family !== undefined && (family.type === 'histogram' || family.type === 'summary')) return base;
    }
  }
  return sampleName;
}

/** Parses a whole exposition. */
export function parsePromText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const finished = new Set<string>();
  const seriesSeen = new Set<string>();
  const typed = new Set<string>();
  let current: string | undefined;
  const family = (name: string): PromFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(raw);
      if (m === null) return; // plain comment
      const [, kind, name = '', rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${JSON.stringify(name)}`);
      if (finished.has(name)) throw new Error(`line ${line}: ${kind} for ${name} after its samples`);
      const f = family(name);
      if (kind === 'HELP') {
        if (f.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
        f.help = unescapeHelp(rest, line);
      } else {
        if (!TYPES.has(rest.trim())) throw new Error(`line ${line}: bad type ${JSON.stringify(rest)}`);
        if (f.samples.length > 0 || typed.has(name)) throw new Error(`line ${line}: second or late TYPE for ${name}`);
        typed.add(name);
        f.type = rest.trim() as PromFamily['type'];
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (nameMatch === null) throw new Error(`line ${line}: bad sample line ${JSON.stringify(raw)}`);
    const name = nameMatch[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (raw[i] === '{') {
      const parsed = parseLabels(raw, i, line);
      labels = parsed.labels;
      i = parsed.end;
    }
    const rest = raw.slice(i);
    if (!/^[ \t]/.test(rest)) throw new Error(`line ${line}: expected space before value`);
    const fields = rest.trim().split(/[ \t]+/);
    if (fields.length < 1 || fields.length > 2) throw new Error(`line ${line}: expected value [timestamp]`);
    const value = parseGoFloat(fields[0] ?? '');
    let timestamp: number | undefined;
    if (fields.length === 2) {
      if (!/^-?\d+$/.test(fields[1] ?? '')) throw new Error(`line ${line}: bad timestamp`);
      timestamp = Number(fields[1]);
    }
    const familyName = familyOf(name, families);
    if (current !== familyName) {
      if (current !== undefined) finished.add(current);
      if (finished.has(familyName)) throw new Error(`line ${line}: samples of ${familyName} are not together`);
      current = familyName;
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    if (seriesSeen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    seriesSeen.add(key);
    family(familyName).samples.push({ name, labels, value, ...(timestamp === undefined ? {} : { timestamp }) });
  });
  return families;
}

/** The one sample of `family` whose labels include `match`, or throws. */
export function sampleOf(families: Map<string, PromFamily>, family: string, match: Record<string, string>): PromSample {
  const found = (families.get(family)?.samples ?? []).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${family}${JSON.stringify(match)}: expected 1 sample, found ${found.length}`);
  return found[0] as PromSample;
}
