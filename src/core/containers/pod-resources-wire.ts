/**
 * Protocol Buffers decoding of the kubelet's `v1.ListPodResourcesResponse` (the reply of
 * `PodResourcesLister.List`). Hand-written against the message definitions of
 * `k8s.io/kubelet/pkg/apis/podresources/v1/api.proto` (Apache-2.0, The Kubernetes Authors), so
 * the client needs no `.proto` loader at run time:
 *
 * ```proto
 * message ListPodResourcesResponse { repeated PodResources pod_resources = 1; }
 * message PodResources { string name = 1; string namespace = 2; repeated ContainerResources containers = 3; }
 * message ContainerResources { string name = 1; repeated ContainerDevices devices = 2;
 *   repeated int64 cpu_ids = 3; repeated ContainerMemory memory = 4; repeated DynamicResource dynamic_resources = 5; }
 * message ContainerDevices { string resource_name = 1; repeated string device_ids = 2; TopologyInfo topology = 3; }
 * ```
 *
 * Fields not listed here (CPU ids, memory, topology, DRA claims) are skipped by wire type, as
 * proto3 readers skip unknown fields, so newer kubelets that add fields still decode.
 *
 * @module
 */

/** The devices of one resource that a container holds (`v1.ContainerDevices`). */
export interface ContainerDevices {
  /** Extended resource name, e.g. `nvidia.com/gpu` or `nvidia.com/mig-1g.10gb`. */
  readonly resourceName: string;
  /** The device plugin's ids, e.g. `GPU-8a2c…` (NVIDIA's plugin uses GPU and MIG UUIDs). */
  readonly deviceIds: readonly string[];
}

/** One container of a pod (`v1.ContainerResources`). */
export interface ContainerResources {
  /** Container name in the pod spec. */
  readonly name: string;
  /** Device-plugin devices it holds. */
  readonly devices: readonly ContainerDevices[];
}

/** One pod with its containers (`v1.PodResources`). */
export interface PodResources {
  /** Pod name. */
  readonly name: string;
  /** Pod namespace. */
  readonly namespace: string;
  /** Its containers (init containers included when they hold devices). */
  readonly containers: readonly ContainerResources[];
}

/** The decoder met bytes that are not a valid message. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

class Reader {
  offset = 0;

  constructor(
    private readonly buf: Uint8Array,
    readonly end: number = buf.length,
  ) {}

  get done(): boolean {
    return this.offset >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtobufDecodeError('truncated varint');
      const byte = this.buf[this.offset++]!;
      if (shift < 53) result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
    throw new ProtobufDecodeError('varint longer than 10 bytes');
  }

  bytes(): [number, number] {
    const length = this.varint();
    const start = this.offset;
    if (start + length > this.end) throw new ProtobufDecodeError('length-delimited field runs past its message');
    this.offset += length;
    return [start, start + length];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.advance(4);
        return;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.offset + n > this.end) throw new ProtobufDecodeError('truncated fixed-width field');
    this.offset += n;
  }
}

const utf8 = new TextDecoder('utf-8');

function decodeMessage(buf: Uint8Array, start: number, end: number, onField: (field: number, start: number, end: number) => void): void {
  const reader = new Reader(buf, end);
  reader.offset = start;
  while (!reader.done) {
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (field === 0) throw new ProtobufDecodeError('field number 0');
    if (wireType === 2) {
      const [s, e] = reader.bytes();
      onField(field, s, e);
    } else {
      reader.skip(wireType);
    }
  }
}

function text(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end));
}

function decodeContainerDevices(buf: Uint8Array, start: number, end: number): ContainerDevices {
  let resourceName = '';
  const deviceIds: string[] = [];
  decodeMessage(buf, start, end, (field, s, e) => {
    if (field === 1) resourceName = text(buf, s, e);
    else if (field === 2) deviceIds.push(text(buf, s, e));
  });
  return { resourceName, deviceIds };
}

function decodeContainer(buf: Uint8Array, start: number, end: number): ContainerResources {
  let name = '';
  const devices: ContainerDevices[] = [];
  decodeMessage(buf, start, end, (field, s, e) => {
    if (field === 1) name = text(buf, s, e);
    else if (field === 2) devices.push(decodeContainerDevices(buf, s, e));
  });
  return { name, devices };
}

function decodePod(buf: Uint8Array, start: number, end: number): PodResources {
  let name = '';
  let namespace = '';
  const containers: ContainerResources[] = [];
  decodeMessage(buf, start, end, (field, s, e) => {
    if (field === 1) name = text(buf, s, e);
    else if (field === 2) namespace = text(buf, s, e);
    else if (field === 3) containers.push(decodeContainer(buf, s, e));
  });
  return { name, namespace, containers };
}

/**
 * Decodes a serialized `v1.ListPodResourcesResponse`. Throws {@link ProtobufDecodeError} on
 * malformed bytes.
 *
 * @example
 * ```ts
 * decodeListPodResourcesResponse(new Uint8Array()); // [] (no pods)
 * ```
 */
export function decodeListPodResourcesResponse(buf: Uint8Array): PodResources[] {
  const pods: PodResources[] = [];
  decodeMessage(buf, 0, buf.length, (field, s, e) => {
    if (field === 1) pods.push(decodePod(buf, s, e));
  });
  return pods;
}
