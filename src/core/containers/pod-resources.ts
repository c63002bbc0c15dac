/**
 * The kubelet's pod-resources API (`v1.PodResourcesLister.List` over the unix socket
 * `/var/lib/kubelet/pod-resources/kubelet.sock`): which pod, namespace and container holds
 * which GPU, by UUID, whether or not a process runs on it yet.
 *
 * Optional and off by default: nothing is loaded until a {@link KubeletPodResources} fetches,
 * `@grpc/grpc-js` is imported only when the socket exists, and a missing socket is the quiet
 * state `'absent'`. A socket that exists but cannot be used gives `'unavailable'` with a one-line
 * reason. Results are cached: {@link KubeletPodResources.current} never waits for the kubelet; it
 * returns the last answer and starts a background fetch when that answer is older than
 * `maxAgeMs`, so a refresh of a view never sits on the gRPC round trip.
 *
 * @module
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

import type * as GrpcJs from '@grpc/grpc-js';

import { NA, type Maybe } from '../na.js';
import { decodeListPodResourcesResponse, type PodResources } from './pod-resources-wire.js';

export type { ContainerDevices, ContainerResources, PodResources } from './pod-resources-wire.js';

/** Where the kubelet serves the pod-resources API. */
export const DEFAULT_POD_RESOURCES_SOCKET = '/var/lib/kubelet/pod-resources/kubelet.sock';

/** The full gRPC method name of `List` (package `v1`, service `PodResourcesLister`). */
export const POD_RESOURCES_LIST_METHOD = '/v1.PodResourcesLister/List';

/** One GPU (or MIG device, or time-sliced replica) that a pod's container holds. */
export interface GpuAllocation {
  /** Pod name. */
  readonly pod: string;
  /** Pod namespace. */
  readonly namespace: string;
  /** Container name. */
  readonly container: string;
  /** Extended resource name (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`, …). */
  readonly resourceName: string;
  /** The device id as the kubelet lists it (`GPU-…`, `MIG-…`, `GPU-…::2` for a shared replica). */
  readonly deviceId: string;
  /** The GPU or MIG UUID the id names (the replica suffix removed). */
  readonly uuid: string;
  /** The replica number of a time-sliced GPU (`'2'` of `GPU-…::2`), or NA. */
  readonly replica: Maybe<string>;
}

/**
 * The state of the pod-resources source: `'pending'` before the first answer, `'ok'` with the
 * allocations, `'absent'` when no socket exists (not on Kubernetes, or not mounted), and
 * `'unavailable'` when the socket exists but the call failed (`reason` says why, on one line).
 */
export type PodResourcesStatus = 'pending' | 'ok' | 'absent' | 'unavailable';

/** What the last fetch found. */
export interface PodResourcesState {
  /** See {@link PodResourcesStatus}. */
  readonly status: PodResourcesStatus;
  /** One line saying why there are no allocations (`absent`/`unavailable`), else undefined. */
  readonly reason: string | undefined;
  /** The socket asked. */
  readonly socketPath: string;
  /** When the answer arrived, ms since the epoch (0 before the first). */
  readonly updatedAt: number;
  /** Every pod the kubelet listed, with all their devices (GPU or not). */
  readonly pods: readonly PodResources[];
  /** The GPU devices among them (ids naming a `GPU-` or `MIG-` UUID). */
  readonly allocations: readonly GpuAllocation[];
}

/** Options of {@link KubeletPodResources}. */
export interface KubeletPodResourcesOptions {
  /** The kubelet's socket (default {@link DEFAULT_POD_RESOURCES_SOCKET}, or `$NVITOP_POD_RESOURCES_SOCKET`). */
  readonly socketPath?: string;
  /** Age after which {@link KubeletPodResources.current} starts a background fetch (default 10 000 ms). */
  readonly maxAgeMs?: number;
  /** Deadline of one `List` call, connection included (default 2 000 ms). */
  readonly timeoutMs?: number;
}

const GPU_ID = /^(?:GPU|MIG)-[0-9A-Za-z-]+/;

/**
 * The GPU UUID and replica a device-plugin id names: `GPU-…` and `MIG-…` as they are; NVIDIA's
 * time-slicing and MPS sharing append `::<replica>`. Ids of other resources give undefined.
 *
 * @example
 * ```ts
 * gpuUuidOfDeviceId('GPU-8a2c0e6e-33f5-9ad2-94c8-1a2f0d7e6a11::3'); // { uuid: 'GPU-8a2c…6a11', replica: '3' }
 * gpuUuidOfDeviceId('0000:3b:00.0');                                  // undefined
 * ```
 */
export function gpuUuidOfDeviceId(deviceId: string): { uuid: string; replica: Maybe<string> } | undefined {
  const separator = deviceId.indexOf('::');
  const uuid = separator < 0 ? deviceId : deviceId.slice(0, separator);
  if (!GPU_ID.test(uuid) || GPU_ID.exec(uuid)![0] !== uuid) return undefined;
  return { uuid, replica: separator < 0 ? NA : deviceId.slice(separator + 2) };
}

/**
 * The GPU devices of a `List` answer, one entry per (container, device id).
 *
 * @example
 * ```ts
 * gpuAllocations([{ name: 'train-0', namespace: 'ml', containers: [
 *   { name: 'main', devices: [{ resourceName: 'nvidia.com/gpu', deviceIds: ['GPU-8a2c…'] }] }] }]);
 * // [{ pod: 'train-0', namespace: 'ml', container: 'main', uuid: 'GPU-8a2c…', … }]
 * ```
 */
export function gpuAllocations(pods: readonly PodResources[]): GpuAllocation[] {
  const result: GpuAllocation[] = [];
  for (const pod of pods) {
    for (const container of pod.containers) {
      for (const devices of container.devices) {
        for (const deviceId of devices.deviceIds) {
          const gpu = gpuUuidOfDeviceId(deviceId);
          if (gpu === undefined) continue;
          result.push({
            pod: pod.name,
            namespace: pod.namespace,
            container: container.name,
            resourceName: devices.resourceName,
            deviceId,
            uuid: gpu.uuid,
            replica: gpu.replica,
          });
        }
      }
    }
  }
  return result;
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeCallError(error: unknown, timeoutMs: number): string {
  const e = error as Partial<GrpcJs.ServiceError> & { message?: string };
  let details = oneLine(e.details ?? e.message ?? String(error));
  // grpc-js: "No connection established. Last error: Error: connect EACCES /x.sock. Resolution note: " → the cause.
  const last = /Last error: (?:Error: )?(.*?)\.?(?: Resolution note:.*)?$/.exec(details);
  if (last !== null && last[1] !== '') details = last[1]!;
  if (typeof e.code === 'number' && STATUS_NAMES[e.code] !== undefined) {
    const name = STATUS_NAMES[e.code]!;
    if (e.code === 4) return `${name}: no answer within ${timeoutMs} ms`;
    if (/EACCES|EPERM/.test(details)) return `${name}: permission denied (${details}); run as root or mount the socket readable`;
    return `${name}: ${details}`;
  }
  return details;
}

let grpcModule: typeof GrpcJs | undefined;

/**
 * `@grpc/grpc-js` on first use. It is a CommonJS package: `require` gives its `exports` object
 * itself, where `import()` gives a namespace built from a static scan of the file, which can miss
 * exports (seen with a symlinked node_modules: `credentials` undefined).
 */
function loadGrpc(): typeof GrpcJs {
  grpcModule ??= createRequire(import.meta.url)('@grpc/grpc-js') as typeof GrpcJs;
  return grpcModule;
}

/**
 * One `List` call on the kubelet's socket: resolves with the pods, rejects with an error whose
 * message is one line (`UNAVAILABLE: …`, `DEADLINE_EXCEEDED: …`, `UNIMPLEMENTED: …`). Does not
 * check that the socket exists; {@link KubeletPodResources} does.
 *
 * @example
 * ```ts
 * const pods = await listPodResources('/var/lib/kubelet/pod-resources/kubelet.sock', 2000);
 * ```
 */
export async function listPodResources(socketPath: string, timeoutMs = 2000): Promise<PodResources[]> {
  const grpc = loadGrpc();
  const client = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure(), {
    // One short call: no retries or keepalive pings that would outlive it.
    'grpc.enable_retries': 0,
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  });
  try {
    return await new Promise<PodResources[]>((resolve, reject) => {
      client.makeUnaryRequest(
        POD_RESOURCES_LIST_METHOD,
        () => Buffer.alloc(0), // ListPodResourcesRequest has no fields
        (bytes: Buffer) => decodeListPodResourcesResponse(bytes),
        undefined,
        { deadline: Date.now() + timeoutMs },
        (error, pods) => {
          if (error !== null || pods === undefined) reject(new Error(describeCallError(error, timeoutMs)));
          else resolve(pods);
        },
      );
    });
  } finally {
    client.close();
  }
}

function envSocketPath(): string | undefined {
  const value = process.env.NVITOP_POD_RESOURCES_SOCKET;
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A cached view of the kubelet's pod-resources API.
 *
 * @example
 * ```ts
 * const kubelet = new KubeletPodResources();
 * await kubelet.fetch();                       // once at start (a CLI's one-shot view)
 * kubelet.current().allocations;               // later: cached, never waits
 * kubelet.allocationsFor('GPU-8a2c…');         // who holds this GPU
 * ```
 */
export class KubeletPodResources {
  /** The socket asked. */
  readonly socketPath: string;
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private state: PodResourcesState;
  private inFlight: Promise<PodResourcesState> | undefined;
  private byUuid: Map<string, GpuAllocation[]> | undefined;
  /** `List` calls made so far (for tests and benchmarks). */
  calls = 0;

  constructor(options: KubeletPodResourcesOptions = {}) {
    this.socketPath = options.socketPath ?? envSocketPath() ?? DEFAULT_POD_RESOURCES_SOCKET;
    this.maxAgeMs = options.maxAgeMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.state = { status: 'pending', reason: undefined, socketPath: this.socketPath, updatedAt: 0, pods: [], allocations: [] };
  }

  /**
   * The last answer, at once. When it is older than `maxAgeMs` (or there is none yet), a
   * background fetch starts; its result shows in a later call.
   */
  current(): PodResourcesState {
    if (this.inFlight === undefined && Date.now() - this.state.updatedAt >= this.maxAgeMs) {
      void this.fetch();
    }
    return this.state;
  }

  /** Asks the kubelet now (joining a fetch already under way) and returns the new state. Never rejects. */
  fetch(): Promise<PodResourcesState> {
    // The work starts on a later turn of the event loop: a refresh that calls current() never
    // pays for loading gRPC or connecting, even on the first call.
    this.inFlight ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.ask()).then((state) => {
      this.state = state;
      this.byUuid = undefined;
      this.inFlight = undefined;
      return state;
    });
    return this.inFlight;
  }

  /** The containers holding the GPU or MIG device with this UUID, from the cached answer. */
  allocationsFor(uuid: string): readonly GpuAllocation[] {
    if (this.byUuid === undefined) {
      this.byUuid = new Map();
      for (const allocation of this.state.allocations) {
        const list = this.byUuid.get(allocation.uuid);
        if (list === undefined) this.byUuid.set(allocation.uuid, [allocation]);
        else list.push(allocation);
      }
    }
    return this.byUuid.get(uuid) ?? [];
  }

  private async ask(): Promise<PodResourcesState> {
    const base = { socketPath: this.socketPath, updatedAt: Date.now(), pods: [], allocations: [] };
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.socketPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return { ...base, status: 'absent', reason: `no kubelet pod-resources socket at ${this.socketPath}` };
      }
      return { ...base, status: 'unavailable', reason: `kubelet pod-resources socket ${this.socketPath} unreadable: ${code ?? String(error)}` };
    }
    if (!stat.isSocket()) {
      return { ...base, status: 'unavailable', reason: `kubelet pod-resources path ${this.socketPath} is not a socket` };
    }
    this.calls++;
    try {
      const pods = await listPodResources(this.socketPath, this.timeoutMs);
      return { ...base, updatedAt: Date.now(), status: 'ok', reason: undefined, pods, allocations: gpuAllocations(pods) };
    } catch (error) {
      return {
        ...base,
        updatedAt: Date.now(),
        status: 'unavailable',
        reason: `kubelet pod-resources API at ${this.socketPath} unavailable: ${oneLine((error as Error).message)}`,
      };
    }
  }
}
