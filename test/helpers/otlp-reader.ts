/**
 * An OTLP/HTTP metrics receiver for tests, written independently of src/ and of the
 * OpenTelemetry packages: it decodes what an exporter POSTs to `/v1/metrics`, either protobuf
 * (`ExportMetricsServiceRequest`, decoded with a small protobuf wire reader following
 * opentelemetry-proto's metrics.proto, common.proto and resource.proto field numbers) or OTLP/JSON,
 * into one flat shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An attribute value as OTLP carries it (ints as numbers when they are safe). */
export type OtlpValue = string | number | boolean;

/** One NumberDataPoint. */
export interface OtlpPoint {
  readonly attributes: Readonly<Record<string, OtlpValue>>;
  /** `as_double`, or `as_int` as a number. */
  readonly value: number;
  /** Whether the value came as `as_int`. */
  readonly isInt: boolean;
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
}

/** One Metric with its scope and resource. */
export interface OtlpMetric {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly type: 'gauge' | 'sum' | 'other';
  /** Sum only. */
  readonly monotonic: boolean;
  /** Sum only: 1 delta, 2 cumulative. */
  readonly temporality: number;
  readonly points: readonly OtlpPoint[];
  readonly scope: { readonly name: string; readonly version: string };
  readonly resource: Readonly<Record<string, OtlpValue>>;
}

// ------------------------------------------------------------------ protobuf wire format

interface WireField {
  readonly field: number;
  readonly wire: number;
  /** Varint (wire 0) as bigint, fixed64/fixed32 (wire 1/5) and length-delimited (wire 2) as bytes. */
  readonly value: bigint | Buffer;
}

function readVarint(buf: Buffer, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[at.pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

function fields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = Number(readVarint(buf, at));
    const field = key >>> 3;
    const wire = key & 7;
    let value: bigint | Buffer;
    if (wire === 0) value = readVarint(buf, at);
    else if (wire === 1) {
      value = buf.subarray(at.pos, at.pos + 8);
      at.pos += 8;
    } else if (wire === 2) {
      const length = Number(readVarint(buf, at));
      value = buf.subarray(at.pos, at.pos + length);
      at.pos += length;
    } else if (wire === 5) {
      value = buf.subarray(at.pos, at.pos + 4);
      at.pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (at.pos > buf.length) throw new Error('truncated field');
    out.push({ field, wire, value });
  }
  return out;
}

const bytesOf = (f: WireField): Buffer => f.value as Buffer;
const str = (f: WireField): string => bytesOf(f).toString('utf8');
const sub = (list: WireField[], field: number): WireField[] => list.filter((f) => f.field === field);
const one = (list: WireField[], field: number): WireField | undefined => list.find((f) => f.field === field);
const toNumber = (v: bigint): number => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Number.NaN);
const signed64 = (v: bigint): bigint => (v >= 1n << 63n ? v - (1n << 64n) : v);

/** AnyValue: string 1, bool 2, int 3, double 4 (arrays, maps and bytes are not used here). */
function anyValue(buf: Buffer): OtlpValue {
  const list = fields(buf);
  const f = list[0];
  if (f === undefined) return '';
  switch (f.field) {
    case 1:
      return str(f);
    case 2:
      return (f.value as bigint) !== 0n;
    case 3:
      return toNumber(signed64(f.value as bigint));
    case 4:
      return bytesOf(f).readDoubleLE(0);
    default:
      throw new Error(`unsupported AnyValue field ${f.field}`);
  }
}

/** Repeated KeyValue (key 1, value 2) into a record. */
function keyValues(list: WireField[]): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const kv of list) {
    const inner = fields(bytesOf(kv));
    const key = one(inner, 1);
    const value = one(inner, 2);
    out[key === undefined ? '' : str(key)] = value === undefined ? '' : anyValue(bytesOf(value));
  }
  return out;
}

/** NumberDataPoint: attributes 7, start 2 (fixed64), time 3 (fixed64), as_double 4, as_int 6 (sfixed64). */
function numberPoint(buf: Buffer): OtlpPoint {
  const list = fields(buf);
  const asDouble = one(list, 4);
  const asInt = one(list, 6);
  const fixed = (f: WireField | undefined): bigint => (f === undefined ? 0n : bytesOf(f).readBigUInt64LE(0));
  return {
    attributes: keyValues(sub(list, 7)),
    value: asInt !== undefined ? toNumber(bytesOf(asInt).readBigInt64LE(0)) : asDouble !== undefined ? bytesOf(asDouble).readDoubleLE(0) : 0,
    isInt: asInt !== undefined,
    startTimeUnixNano: fixed(one(list, 2)),
    timeUnixNano: fixed(one(list, 3)),
  };
}

/** Decodes an `ExportMetricsServiceRequest` (resource_metrics 1). */
export function decodeOtlpProtobuf(body: Buffer): OtlpMetric[] {
  const out: OtlpMetric[] = [];
  for (const rm of sub(fields(body), 1)) {
    const rmFields = fields(bytesOf(rm));
    const resourceField = one(rmFields, 1);
    const resource = resourceField === undefined ? {} : keyValues(sub(fields(bytesOf(resourceField)), 1));
    for (const sm of sub(rmFields, 2)) {
      const smFields = fields(bytesOf(sm));
      const scopeField = one(smFields, 1);
      const scopeList = scopeField === undefined ? [] : fields(bytesOf(scopeField));
      const scope = { name: one(scopeList, 1) === undefined ? '' : str(one(scopeList, 1)!), version: one(scopeList, 2) === undefined ? '' : str(one(scopeList, 2)!) };
      for (const m of sub(smFields, 2)) {
        const mFields = fields(bytesOf(m));
        const gauge = one(mFields, 5);
        const sum = one(mFields, 7);
        const data = gauge ?? sum;
        const dataFields = data === undefined ? [] : fields(bytesOf(data));
        out.push({
          name: one(mFields, 1) === undefined ? '' : str(one(mFields, 1)!),
          description: one(mFields, 2) === undefined ? '' : str(one(mFields, 2)!),
          unit: one(mFields, 3) === undefined ? '' : str(one(mFields, 3)!),
          type: gauge !== undefined ? 'gauge' : sum !== undefined ? 'sum' : 'other',
          monotonic: sum !== undefined && ((one(dataFields, 3)?.value as bigint | undefined) ?? 0n) !== 0n,
          temporality: sum === undefined ? 0 : Number((one(dataFields, 2)?.value as bigint | undefined) ?? 0n),
          points: sub(dataFields, 1).map((p) => numberPoint(bytesOf(p))),
          scope,
          resource,
        });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ OTLP/JSON

type JsonObject = Record<string, unknown>;
const arr = (v: unknown): JsonObject[] => (Array.isArray(v) ? (v as JsonObject[]) : []);

function jsonAny(v: JsonObject | undefined): OtlpValue {
  if (v === undefined) return '';
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  throw new Error(`unsupported AnyValue ${JSON.stringify(v)}`);
}

function jsonAttributes(list: unknown): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const kv of arr(list)) out[String(kv.key)] = jsonAny(kv.value as JsonObject | undefined);
  return out;
}

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest`. */
export function decodeOtlpJson(doc: unknown): OtlpMetric[] {
  const out: OtlpMetric[] = [];
  for (const rm of arr((doc as JsonObject).resourceMetrics)) {
    const resource = jsonAttributes((rm.resource as JsonObject | undefined)?.attributes);
    for (const sm of arr(rm.scopeMetrics)) {
      const scopeDoc = (sm.scope ?? {}) as JsonObject;
      const scope = { name: String(scopeDoc.name ?? ''), version: String(scopeDoc.version ?? '') };
      for (const m of arr(sm.metrics)) {
        const data = (m.gauge ?? m.sum) as JsonObject | undefined;
        out.push({
          name: String(m.name),
          description: String(m.description ?? ''),
          unit: String(m.unit ?? ''),
          type: m.gauge !== undefined ? 'gauge' : m.sum !== undefined ? 'sum' : 'other',
          monotonic: m.sum !== undefined && (data?.isMonotonic as boolean | undefined) === true,
          temporality: m.sum === undefined ? 0 : Number(data?.aggregationTemporality ?? 0),
          points: arr(data?.dataPoints).map((p) => ({
            attributes: jsonAttributes(p.attributes),
            value: p.asInt !== undefined ? Number(p.asInt) : Number(p.asDouble ?? 0),
            isInt: p.asInt !== undefined,
            startTimeUnixNano: BigInt(String(p.startTimeUnixNano ?? '0')),
            timeUnixNano: BigInt(String(p.timeUnixNano ?? '0')),
          })),
          scope,
          resource,
        });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ receiver

/** One request the receiver got. */
export interface OtlpRequest {
  readonly path: string;
  readonly contentType: string;
  readonly metrics: readonly OtlpMetric[];
}

/** A running receiver. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>` (exporters append `/v1/metrics` to an `OTEL_EXPORTER_OTLP_ENDPOINT`). */
  readonly endpoint: string;
  /** Every request so far, decoded. */
  readonly requests: OtlpRequest[];
  /** Resolves when `predicate` holds for the requests (checked on each arrival), or rejects after `ms`. */
  waitFor(predicate: (requests: readonly OtlpRequest[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. Protobuf and JSON bodies are decoded; others get 415. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers['content-type'] ?? '');
      try {
        let metrics: OtlpMetric[];
        if (contentType.startsWith('application/x-protobuf')) metrics = decodeOtlpProtobuf(body);
        else if (contentType.startsWith('application/json')) metrics = decodeOtlpJson(JSON.parse(body.toString('utf8')));
        else {
          res.writeHead(415).end();
          return;
        }
        requests.push({ path: req.url ?? '', contentType, metrics });
        // An empty ExportMetricsServiceResponse is an empty body in either encoding.
        res.writeHead(200, { 'content-type': contentType.startsWith('application/json') ? 'application/json' : 'application/x-protobuf' });
        res.end(contentType.startsWith('application/json') ? '{}' : undefined);
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    waitFor: (predicate, ms = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching OTLP request within ${ms} ms (${requests.length} received)`)), ms);
        const check = (): void => {
          if (predicate(requests)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
