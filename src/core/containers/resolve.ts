/**
 * A GPU process's container, in one record: what its cgroup says (container id, pod UID, Slurm
 * job) joined with what the kubelet says about the GPU it runs on (pod name, namespace,
 * container name).
 *
 * The kubelet's pod-resources API names the containers that hold a GPU but not their processes,
 * so the join goes through the GPU: a process whose cgroup puts it in a pod, running on a GPU
 * (or MIG device) that exactly one container holds, belongs to that container. A physical GPU's
 * row also counts the allocations of its MIG devices. When several containers share the GPU
 * (time-slicing, MPS), the container id (or pod UID) decides where it has been matched before;
 * otherwise the names stay NA and the pod UID is still given.
 *
 * @module
 */
import { NA, isNA, type Maybe } from '../na.js';
import { describeMembership, type CgroupMembership, type ContainerRuntime, type PodQosClass } from './cgroup.js';
import { KubeletPodResources, type GpuAllocation } from './pod-resources.js';

/** A GPU process's container, pod or Slurm job (`GpuProcessSnapshot.container`). */
export interface ProcessContainer {
  /** Whether the process runs in a container or pod. */
  readonly inContainer: boolean;
  /** Container engine (`docker`, `containerd`, `cri-o`, `podman`), or NA. */
  readonly runtime: Maybe<ContainerRuntime>;
  /** Full container id (64 hex digits), or NA. */
  readonly id: Maybe<string>;
  /** Kubernetes pod UID, or NA. */
  readonly podUid: Maybe<string>;
  /** Pod QoS class, or NA. */
  readonly qosClass: Maybe<PodQosClass>;
  /** Pod name (from the kubelet), or NA. */
  readonly podName: Maybe<string>;
  /** Pod namespace (from the kubelet), or NA. */
  readonly podNamespace: Maybe<string>;
  /** Container name in the pod spec (from the kubelet), or NA. */
  readonly containerName: Maybe<string>;
  /** Slurm job id, or NA. */
  readonly slurmJobId: Maybe<string>;
  /** Slurm step, or NA. */
  readonly slurmStep: Maybe<string>;
  /** The cgroup path the facts come from. */
  readonly cgroupPath: string;
  /**
   * Short text for a table cell: `<namespace>/<pod>/<container>` when the kubelet named it, else
   * `pod <uid8>/<id12>`, `<runtime>:<id12>`, `slurm job <id>`, or `-` outside any.
   */
  readonly label: string;
}

/** Where a container id (or, without one, a pod UID) was last matched (learned from unshared GPUs). */
const learned = new Map<string, GpuAllocation>();

function unique(allocations: readonly GpuAllocation[]): GpuAllocation[] {
  const seen = new Map<string, GpuAllocation>();
  for (const a of allocations) seen.set(`${a.namespace}\0${a.pod}\0${a.container}`, a);
  return [...seen.values()];
}

/**
 * Joins a process's cgroup membership with the kubelet's allocation of the GPU it runs on.
 *
 * @example
 * ```ts
 * const c = resolveProcessContainer(process.host.container(), device.uuid(), kubeletPodResources());
 * c.label; // 'ml/train-0/trainer'
 * ```
 */
export function resolveProcessContainer(
  membership: CgroupMembership,
  deviceUuids: Maybe<string> | readonly string[],
  kubelet: KubeletPodResources | undefined,
): ProcessContainer {
  let allocation: GpuAllocation | undefined;
  const uuids = isNA(deviceUuids) ? [] : typeof deviceUuids === 'string' ? [deviceUuids] : (deviceUuids as readonly string[]);
  if (kubelet !== undefined && !isNA(membership.podUid) && uuids.length > 0) {
    const holders = unique(uuids.flatMap((uuid) => kubelet.allocationsFor(uuid)));
    const key = isNA(membership.containerId) ? `pod:${membership.podUid as string}` : (membership.containerId as string);
    if (holders.length === 1) {
      allocation = holders[0];
      learned.set(key, allocation!);
    } else if (holders.length > 1) {
      const known = learned.get(key);
      const mine = known === undefined ? [] : holders.filter((h) => h.namespace === known.namespace && h.pod === known.pod && h.container === known.container);
      if (mine.length === 1) allocation = mine[0];
    }
  }
  const podName: Maybe<string> = allocation?.pod ?? NA;
  const podNamespace: Maybe<string> = allocation?.namespace ?? NA;
  const containerName: Maybe<string> = allocation?.container ?? NA;
  return {
    inContainer: membership.inContainer,
    runtime: membership.containerRuntime,
    id: membership.containerId,
    podUid: membership.podUid,
    qosClass: membership.qosClass,
    podName,
    podNamespace,
    containerName,
    slurmJobId: membership.slurmJobId,
    slurmStep: membership.slurmStep,
    cgroupPath: membership.cgroupPath,
    label: allocation === undefined ? describeMembership(membership) : `${allocation.namespace}/${allocation.pod}/${allocation.container}`,
  };
}

let shared: KubeletPodResources | undefined;

/**
 * The process-wide {@link KubeletPodResources} (socket from `$NVITOP_POD_RESOURCES_SOCKET`, else
 * the kubelet's default), created on first use. Snapshots taken with `containers: true` read it
 * without waiting; `await kubeletPodResources().fetch()` first to have names in the very first
 * snapshot.
 *
 * @example
 * ```ts
 * await kubeletPodResources().fetch();
 * GpuProcess.takeSnapshots(processes, { containers: true });
 * ```
 */
export function kubeletPodResources(): KubeletPodResources {
  shared ??= new KubeletPodResources();
  return shared;
}
