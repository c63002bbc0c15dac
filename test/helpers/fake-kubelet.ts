// A fake kubelet pod-resources server: real gRPC (@grpc/grpc-js) over a real unix socket,
// answering v1.PodResourcesLister/List with messages encoded by protobufjs from the vendored
// Kubernetes .proto (test/fixtures/kubelet/podresources-v1-api.proto), i.e. independently of the
// client's hand-written decoder.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/kubelet/podresources-v1-api.proto');

/** A pod as the fake lists it (protobufjs field names: camelCase of the .proto's). */
export interface FakePod {
  name: string;
  namespace: string;
  containers: Array<{
    name: string;
    devices?: Array<{ resourceName: string; deviceIds: string[]; topology?: { nodes: Array<{ ID: number }> } }>;
    cpuIds?: number[];
    memory?: Array<{ memoryType: string; size: number }>;
    dynamicResources?: Array<{ claimName: string; claimNamespace: string; claimResources: Array<{ driverName: string; poolName: string; deviceName: string; cdiDevices: Array<{ name: string }> }> }>;
  }>;
}

export interface FakeKubelet {
  readonly socketPath: string;
  /** List calls answered so far. */
  readonly calls: number;
  /** Replaces the pods listed from the next call on. */
  setPods(pods: FakePod[]): void;
  close(): Promise<void>;
}

export interface FakeKubeletOptions {
  /** Serve only an unrelated service, so List answers UNIMPLEMENTED (a kubelet without v1). */
  unimplemented?: boolean;
  /** File mode to give the socket after binding (the kubelet creates it root-only). */
  mode?: number;
}

/** Starts the fake on `socketPath`. */
export async function startFakeKubelet(socketPath: string, pods: FakePod[], options: FakeKubeletOptions = {}): Promise<FakeKubelet> {
  const definition = protoLoader.loadSync(PROTO, { keepCase: false, longs: Number, defaults: true });
  const v1 = (grpc.loadPackageDefinition(definition) as unknown as { v1: Record<string, { service: grpc.ServiceDefinition }> }).v1;
  const server = new grpc.Server();
  let current = pods;
  let calls = 0;
  if (options.unimplemented) {
    server.addService(v1.PodResourcesLister!.service, {}); // every method answers UNIMPLEMENTED
  } else {
    server.addService(v1.PodResourcesLister!.service, {
      List: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
        calls++;
        callback(null, { podResources: current });
      },
    });
  }
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
  );
  if (options.mode !== undefined) fs.chmodSync(socketPath, options.mode);
  return {
    socketPath,
    get calls() {
      return calls;
    },
    setPods(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

/** A unix socket that accepts connections and never says a word (a hung peer). */
export async function startSilentSocket(socketPath: string): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
