/**
 * Which container, Kubernetes pod or Slurm job a process belongs to, read from the text of
 * `/proc/<pid>/cgroup`. Pure functions: the host platform reads the file, this module only parses.
 *
 * The path forms recognised, each with where it comes from:
 *
 * | runtime | cgroup driver | path (last components) | source |
 * |---|---|---|---|
 * | Docker | cgroupfs | `/docker/<id>` | moby `daemon/oci_linux.go` (parent `/docker`, then the id); Docker docs, "Runtime metrics" |
 * | Docker | systemd | `/system.slice/docker-<id>.scope` | moby (`system.slice:docker:<id>`), Docker docs, "Runtime metrics" |
 * | containerd (CRI) | cgroupfs | `/kubepods/<qos>/pod<uid>/<id>` | containerd CRI `getCgroupsPath`: `filepath.Join(cgroupsParent, id)` |
 * | containerd (CRI) | systemd | `…/kubepods-<qos>-pod<uid>.slice/cri-containerd-<id>.scope` | containerd CRI `getCgroupsPath`: `slice:cri-containerd:id` |
 * | CRI-O | cgroupfs | `…/pod<uid>/crio-<id>` | CRI-O `CgroupfsManager.ContainerCgroupPath` |
 * | CRI-O | systemd | `…/kubepods-<qos>-pod<uid>.slice/crio-<id>.scope` | CRI-O `SystemdManager` (`crio-<id>.scope`) |
 * | Podman | cgroupfs | `/libpod_parent/libpod-<id>` | Podman (`CgroupfsDefaultCgroupParent`, `libpod-<id>`) |
 * | Podman | systemd | `/machine.slice/libpod-<id>.scope[/container]` | Podman (`machine.slice:libpod:<id>`) |
 * | Slurm | cgroup v1 | `/slurm[_<node>]/uid_<uid>/job_<job>/step_<step>/task_<n>` | Slurm `task/cgroup`, cgroup.conf docs |
 * | Slurm | cgroup v2 | `/system.slice/[<node>_]slurmstepd.scope/job_<job>/step_<step>/user/task_<n>` | Slurm docs, "Control Group v2 plugin" |
 *
 * Kubernetes names a pod's cgroup `pod<uid>`; under the systemd driver each `-` of the UID is
 * written `_` (systemd uses `-` for slice nesting), so `kubepods-burstable-pod12ab_…slice`
 * means pod UID `12ab-…`. Guaranteed pods sit directly under `kubepods`, the others under
 * `burstable` / `besteffort` (kubelet `qos_container_manager_linux.go`).
 *
 * A reader inside a cgroup namespace sees other processes' paths relative to its own root,
 * starting with `/..` (kernel `Documentation/admin-guide/cgroup-v2.rst`, "Namespace"): the
 * exporter's DaemonSet pod is such a reader. `..` components are skipped, so the names that
 * remain still identify the container and pod.
 *
 * @module
 */
import { NA, isNA, type Maybe } from '../na.js';

/** The container engine a cgroup path names. */
export type ContainerRuntime = 'docker' | 'containerd' | 'cri-o' | 'podman';

/** Kubernetes' pod QoS classes (`v1.PodQOSClass`). */
export type PodQosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** What a process's cgroup says about where it runs. */
export interface CgroupMembership {
  /** The cgroup path the facts were read from (`''` when the file was empty). */
  readonly cgroupPath: string;
  /** 2 for the unified hierarchy (`0::/…`), 1 for a v1 controller hierarchy. */
  readonly cgroupVersion: 1 | 2;
  /** Whether the process runs in a container or pod (a Slurm job alone is not a container). */
  readonly inContainer: boolean;
  /** The full container id (64 hex digits), or NA. */
  readonly containerId: Maybe<string>;
  /** The engine the path names, or NA (also when a cgroupfs path under `kubepods` does not tell). */
  readonly containerRuntime: Maybe<ContainerRuntime>;
  /** The Kubernetes pod UID (with dashes), or NA. */
  readonly podUid: Maybe<string>;
  /** The pod's QoS class, or NA when the path does not tell. */
  readonly qosClass: Maybe<PodQosClass>;
  /** The Slurm job id, or NA. */
  readonly slurmJobId: Maybe<string>;
  /** The Slurm step (`0`, `batch`, `extern`, `interactive`, …), or NA. */
  readonly slurmStep: Maybe<string>;
}

const ID = '([0-9a-f]{64})';
const SCOPED_CONTAINER: readonly [RegExp, ContainerRuntime][] = [
  [new RegExp(`^docker-${ID}\\.scope$`), 'docker'],
  [new RegExp(`^cri-containerd-${ID}\\.scope$`), 'containerd'],
  [new RegExp(`^crio-${ID}(?:\\.scope)?$`), 'cri-o'],
  [new RegExp(`^libpod-${ID}(?:\\.scope)?$`), 'podman'],
];
const BARE_ID = new RegExp(`^${ID}$`);
// `pod<uid>` (cgroupfs) or `kubepods[-<qos>]-pod<uid>.slice` (systemd, `-` escaped as `_`).
const POD = /^(?:kubepods(?:-(burstable|besteffort))?-)?pod([0-9a-f][0-9a-f_-]*[0-9a-f])(?:\.slice)?$/i;
const UUID_LIKE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;
const SLURM_ROOT = /^(?:slurm(?:_[^/]+)?|(?:[^/]+_)?slurmstepd\.scope)$/;
const SLURM_JOB = /^job_(\d+)$/;
const SLURM_STEP = /^step_(\w+)$/;

const QOS_BY_NAME: Readonly<Record<string, PodQosClass>> = {
  burstable: 'Burstable',
  besteffort: 'BestEffort',
  'kubepods-burstable.slice': 'Burstable',
  'kubepods-besteffort.slice': 'BestEffort',
};

/**
 * What one cgroup path says (the path of one line of `/proc/<pid>/cgroup`).
 *
 * @example
 * ```ts
 * const m = parseCgroupPath(
 *   '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0c1d…_9f.slice/cri-containerd-3f…a1.scope',
 * );
 * m.containerRuntime; // 'containerd'
 * m.qosClass;         // 'BestEffort'
 * ```
 */
export function parseCgroupPath(path: string, cgroupVersion: 1 | 2 = 2): CgroupMembership {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.' && part !== '..');
  let kubepods = false;
  let qosClass: Maybe<PodQosClass> = NA;
  let podUid: Maybe<string> = NA;
  let containerId: Maybe<string> = NA;
  let containerRuntime: Maybe<ContainerRuntime> = NA;
  let slurm = false;
  let slurmJobId: Maybe<string> = NA;
  let slurmStep: Maybe<string> = NA;

  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === 'kubepods' || part === 'kubepods.slice') {
      kubepods = true;
      continue;
    }
    const qos = QOS_BY_NAME[part];
    // `kubepods-<qos>.slice` always; a bare `burstable`/`besteffort` under kubepods or above a pod.
    if (qos !== undefined && isNA(podUid) && (part.endsWith('.slice') || kubepods || POD.test(parts[i + 1] ?? ''))) {
      kubepods = true;
      qosClass = qos;
      continue;
    }
    const pod = POD.exec(part);
    if (pod !== null) {
      const uid = pod[2]!.replace(/_/g, '-');
      const systemdForm = part.startsWith('kubepods') && part.endsWith('.slice');
      if (kubepods || systemdForm || UUID_LIKE.test(uid)) {
        podUid = uid.toLowerCase();
        if (pod[1] !== undefined) qosClass = QOS_BY_NAME[pod[1].toLowerCase()]!;
        else if (systemdForm || (kubepods && isNA(qosClass))) qosClass = 'Guaranteed';
        kubepods = true;
        continue;
      }
    }
    let matched = false;
    for (const [pattern, runtime] of SCOPED_CONTAINER) {
      const m = pattern.exec(part);
      if (m !== null) {
        containerId = m[1]!;
        containerRuntime = runtime;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const bare = BARE_ID.exec(part);
    if (bare !== null) {
      if (parts[i - 1] === 'docker') {
        containerId = bare[1]!;
        containerRuntime = 'docker';
      } else if (!isNA(podUid)) {
        // cgroupfs driver under a pod: containerd and Docker (dockershim) both use the bare id.
        containerId = bare[1]!;
        containerRuntime = NA;
      }
      continue;
    }
    if (SLURM_ROOT.test(part)) {
      slurm = true;
      continue;
    }
    if (slurm) {
      const job = SLURM_JOB.exec(part);
      if (job !== null) {
        slurmJobId = job[1]!;
        continue;
      }
      const step = SLURM_STEP.exec(part);
      if (step !== null && !isNA(slurmJobId)) slurmStep = step[1]!;
    }
  }
  return {
    cgroupPath: path,
    cgroupVersion,
    inContainer: !isNA(containerId) || !isNA(podUid),
    containerId,
    containerRuntime,
    podUid,
    qosClass: isNA(podUid) ? NA : qosClass,
    slurmJobId,
    slurmStep,
  };
}

function score(m: CgroupMembership): number {
  return (isNA(m.containerId) ? 0 : 4) + (isNA(m.podUid) ? 0 : 2) + (isNA(m.slurmJobId) ? 0 : 1);
}

/**
 * What `/proc/<pid>/cgroup` says: every line (`hierarchy-id:controllers:path`) is read, and the
 * line that names the most (container id, pod, Slurm job) wins; on a tie the unified (`0::`) line
 * does. A process on no container's path gives `inContainer: false` with the path it is on.
 *
 * @example
 * ```ts
 * parseProcCgroup('0::/user.slice/user-1000.slice/session-3.scope\n').inContainer; // false
 * parseProcCgroup('12:pids:/docker/3726…9860\n').containerRuntime;                 // 'docker'
 * ```
 */
export function parseProcCgroup(text: string): CgroupMembership {
  let best: CgroupMembership | undefined;
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0) continue;
    let path = line.slice(second + 1).trim();
    if (path.endsWith(' (deleted)')) path = path.slice(0, -' (deleted)'.length);
    const version: 1 | 2 = line.slice(0, first) === '0' && first + 1 === second ? 2 : 1;
    const candidate = parseCgroupPath(path, version);
    if (best === undefined) {
      best = candidate;
      continue;
    }
    const diff = score(candidate) - score(best);
    if (diff > 0 || (diff === 0 && version === 2 && best.cgroupVersion === 1)) best = candidate;
  }
  return best ?? parseCgroupPath('', 2);
}

/**
 * A short text for a table cell: `pod <uid8>/<id12>`, `docker:<id12>`, `slurm job <id>`, or `-`
 * for a process in no container or job.
 *
 * @example
 * ```ts
 * describeMembership(parseProcCgroup('12:pids:/docker/3726184226f5…\n')); // 'docker:3726184226f5'
 * ```
 */
export function describeMembership(m: CgroupMembership): string {
  const shortId = isNA(m.containerId) ? '' : (m.containerId as string).slice(0, 12);
  if (!isNA(m.podUid)) return `pod ${(m.podUid as string).slice(0, 8)}${shortId === '' ? '' : `/${shortId}`}`;
  if (shortId !== '') return `${isNA(m.containerRuntime) ? 'container' : (m.containerRuntime as string)}:${shortId}`;
  if (!isNA(m.slurmJobId)) return `slurm job ${m.slurmJobId as string}`;
  return '-';
}
