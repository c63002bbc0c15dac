// /proc/<pid>/cgroup contents of each runtime, parsed by src/core/containers/cgroup.ts.
//
// Every fixture is the text a kernel prints for a process of that runtime. Where each comes from
// is said beside it: the path form is the one the runtime's own source writes (function named),
// and the ids are the ones of the published example quoted.
import { describe, expect, it } from 'vitest';

import { describeMembership, parseCgroupPath, parseProcCgroup } from '../../../src/core/containers/cgroup.js';
import { NA } from '../../../src/core/na.js';

// Docker, cgroup v1, cgroupfs driver: moby daemon/oci_linux.go joins the cgroup parent (default
// "/docker") and the container id; Docker docs "Runtime metrics" place a container at
// /sys/fs/cgroup/<controller>/docker/<longid>/. Ids and line set: the Docker example of the
// Datadog container-tagging RFC, also in Qard/container-info's fixtures.
const DOCKER_V1_CGROUPFS = `13:name=systemd:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
12:pids:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
11:hugetlb:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
10:net_prio:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
9:perf_event:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
8:net_cls:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
7:freezer:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
6:devices:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
5:memory:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
4:blkio:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
3:cpuacct:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
2:cpu:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
1:cpuset:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860
`;

// Docker, cgroup v1, systemd driver (CentOS 7): moby builds "system.slice:docker:<id>", which
// runc's systemd driver turns into the unit docker-<id>.scope under system.slice. Text as
// printed on a CentOS host (NeuVector's share/system/cgroup_test.go, TestDockerIDCentOS).
const DOCKER_V1_SYSTEMD = `11:pids:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
10:devices:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
9:blkio:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
8:memory:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
7:freezer:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
6:perf_event:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
5:hugetlb:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
4:net_cls:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
3:cpuset:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
2:cpuacct,cpu:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
1:name=systemd:/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope
`;

// Docker, cgroup v2 (unified), systemd driver: one "0::" line; Docker docs "Runtime metrics":
// /sys/fs/cgroup/system.slice/docker-<longid>.scope/ on cgroup v2 with systemd.
const DOCKER_V2 = '0::/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope\n';

// Kubernetes + containerd, cgroup v2, systemd driver: kubelet's pod slice
// kubepods-<qos>-pod<uid with '-' written '_'>.slice (cgroup_manager_linux.go,
// ConvertCgroupNameToSystemd) and containerd's CRI getCgroupsPath "slice:cri-containerd:<id>".
// Printed on an AKS node for a BestEffort pod.
const K8S_CONTAINERD_SYSTEMD_V2 =
  '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6dbbf17e_94e1_4b10_8555_9bfe510c25d5.slice/cri-containerd-6552905b87fd9f0aca7dd140834c594e6873cf24b2ac9dd0023972d5b6ead6dc.scope\n';

// A Burstable static pod (UID = the manifest's 32-hex config hash) under containerd + systemd,
// from a kubeadm control-plane node.
const K8S_CONTAINERD_STATIC_POD =
  '0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podc704ef4c297ab11032b83ce52cbfc87b.slice/cri-containerd-2327a2aec169e25cf05f2a901486b7463fdb513ae097fc0ae6a3ca94381ddc42.scope\n';

// Kubernetes, cgroup v1, cgroupfs driver (GKE): kubelet's /kubepods/<qos>/pod<uid>, then the
// runtime's bare container id (containerd's getCgroupsPath filepath.Join(parent, id); dockershim
// did the same). Fixture of Qard/container-info (test/fixtures), captured on GKE.
const K8S_CGROUPFS_V1 = `11:devices:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
10:perf_event:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
9:memory:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
8:freezer:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
7:hugetlb:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
6:cpuset:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
5:blkio:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
4:cpu,cpuacct:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
3:net_cls,net_prio:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
2:pids:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
1:name=systemd:/kubepods/besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376
`;

// Kubernetes, cgroup v1, cgroupfs driver, Guaranteed pod: kubelet puts Guaranteed pods directly
// under kubepods (qos_container_manager_linux.go creates only the burstable and besteffort
// children). Form of pixie-io/pixie's GKE case (src/shared/metadata/cgroup_path_resolver_test.cc).
const K8S_CGROUPFS_GUARANTEED =
  '4:cpu,cpuacct:/kubepods/pod8dbc5577-d0e2-4706-8787-57d52c03ddf2/14011c7d92a9e513dfd69211da0413dbf319a5e45a02b354ba6e98e10272542d\n';

// Kubernetes + CRI-O, systemd driver (OpenShift): CRI-O's SystemdManager names the scope
// crio-<id>.scope under the pod slice. Ids as quoted from a CRI-O node in public parser tests.
const K8S_CRIO_SYSTEMD =
  '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f.scope\n';

// Kubernetes + CRI-O, cgroupfs driver: CgroupfsManager.ContainerCgroupPath joins the pod's
// parent and "crio-<id>".
const K8S_CRIO_CGROUPFS =
  '9:memory:/kubepods/burstable/pod0fc6e9ad-4eed-49d4-8d58-2b4fbd7c9a7f/crio-17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f\n';

// CRI-O's conmon monitor is not the container: crio-conmon-<id>.scope.
const K8S_CRIO_CONMON =
  '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod63b3ebfc_2890_11e9_8154_16bf8ef8d9dc.slice/crio-conmon-17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f.scope\n';

// Podman, cgroup v2, systemd manager (rootful): Podman passes "machine.slice:libpod:<id>"
// (SystemdDefaultCgroupParent = machine.slice); crun then runs the payload in a "container"
// sub-cgroup when the scope is delegated.
const PODMAN_SYSTEMD_V2 = '0::/machine.slice/libpod-9ce45faf7719310972823ceeb3afaa4bc6c5b86fe1d59da60946fc12f42541ca.scope/container\n';

// Podman rootless: the same scope under the user's systemd instance.
const PODMAN_ROOTLESS =
  '0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1.scope\n';

// Podman, cgroupfs manager: CgroupfsDefaultCgroupParent "/libpod_parent", then libpod-<id>; the
// same "CgroupPath" that `podman inspect` prints ("/libpod_parent/libpod-cf59…83f1").
const PODMAN_CGROUPFS_V1 = `12:pids:/libpod_parent/libpod-cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1
11:memory:/libpod_parent/libpod-cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1
1:name=systemd:/libpod_parent/libpod-cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1
`;

// Slurm, cgroup v2 plugin: Slurm docs "Control Group v2 plugin" place tasks at
// /sys/fs/cgroup/system.slice/slurmstepd.scope/job_<id>/step_<id>/user/task_<id>. Line printed
// on a compute node (Sigma2 "Fox", 2025-03-13, as quoted in NordicHPC/sonar's tests).
const SLURM_V2 = '0::/system.slice/slurmstepd.scope/job_1392969/step_0/user/task_0\n';

// Slurm, cgroup v1 (task/cgroup, proctrack/cgroup): /slurm/uid_<uid>/job_<id>/step_<id>/task_<n>,
// an interactive step (same source).
const SLURM_V1 = `10:devices:/slurm/uid_2101171/job_280678/step_interactive/task_0
4:memory:/slurm/uid_2101171/job_280678/step_interactive/task_0
1:name=systemd:/system.slice/slurmd.service
`;

// Slurm with several slurmd per node (multiple-slurmd): the scope carries the node name.
const SLURM_V2_MULTI = '0::/system.slice/node12_slurmstepd.scope/job_42/step_batch/user/task_0\n';

// No container: a login session and a system service (systemd's own layout, cgroup v2), and a
// hybrid (v1 controllers + unified line) host process.
const HOST_SESSION = '0::/user.slice/user-1000.slice/session-3.scope\n';
const HOST_SERVICE = '0::/system.slice/nvidia-persistenced.service\n';
const HOST_HYBRID = `12:memory:/user.slice/user-1000.slice/session-2.scope
1:name=systemd:/user.slice/user-1000.slice/session-2.scope
0::/user.slice/user-1000.slice/session-2.scope
`;

// Seen from inside another cgroup namespace (the exporter's own pod on cgroup v2): paths are
// relative to the reader's root and start with "/.." (kernel Documentation/admin-guide/
// cgroup-v2.rst, "Namespace": "0::/../container_id2/sub_cgrp_1").
const FROM_OTHER_NAMESPACE =
  '0::/../../kubepods-besteffort-pod6dbbf17e_94e1_4b10_8555_9bfe510c25d5.slice/cri-containerd-6552905b87fd9f0aca7dd140834c594e6873cf24b2ac9dd0023972d5b6ead6dc.scope\n';

describe('parseProcCgroup', () => {
  it('Docker, cgroup v1, cgroupfs driver', () => {
    const m = parseProcCgroup(DOCKER_V1_CGROUPFS);
    expect(m).toMatchObject({
      inContainer: true,
      containerRuntime: 'docker',
      containerId: '3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860',
      cgroupVersion: 1,
    });
    expect(m.podUid).toBe(NA);
    expect(m.slurmJobId).toBe(NA);
    expect(describeMembership(m)).toBe('docker:3726184226f5');
  });

  it('Docker, cgroup v1, systemd driver', () => {
    expect(parseProcCgroup(DOCKER_V1_SYSTEMD)).toMatchObject({
      containerRuntime: 'docker',
      containerId: '9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d',
      podUid: NA,
    });
  });

  it('Docker, cgroup v2', () => {
    expect(parseProcCgroup(DOCKER_V2)).toMatchObject({
      cgroupVersion: 2,
      cgroupPath: '/system.slice/docker-9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d.scope',
      containerRuntime: 'docker',
      containerId: '9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d',
    });
  });

  it('Kubernetes + containerd, systemd driver: pod UID with dashes, QoS from the slice', () => {
    const m = parseProcCgroup(K8S_CONTAINERD_SYSTEMD_V2);
    expect(m).toMatchObject({
      inContainer: true,
      containerRuntime: 'containerd',
      containerId: '6552905b87fd9f0aca7dd140834c594e6873cf24b2ac9dd0023972d5b6ead6dc',
      podUid: '6dbbf17e-94e1-4b10-8555-9bfe510c25d5',
      qosClass: 'BestEffort',
    });
    expect(describeMembership(m)).toBe('pod 6dbbf17e/6552905b87fd');
  });

  it('a static pod (32-hex config-hash UID), Burstable', () => {
    expect(parseProcCgroup(K8S_CONTAINERD_STATIC_POD)).toMatchObject({
      containerRuntime: 'containerd',
      podUid: 'c704ef4c297ab11032b83ce52cbfc87b',
      qosClass: 'Burstable',
      containerId: '2327a2aec169e25cf05f2a901486b7463fdb513ae097fc0ae6a3ca94381ddc42',
    });
  });

  it('Kubernetes, cgroupfs driver (v1): the bare id does not name the runtime', () => {
    const m = parseProcCgroup(K8S_CGROUPFS_V1);
    expect(m).toMatchObject({
      cgroupVersion: 1,
      podUid: '74c13223-5a00-11e9-b385-42010a80018d',
      qosClass: 'BestEffort',
      containerId: '34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376',
      containerRuntime: NA,
    });
  });

  it('Kubernetes, cgroupfs driver, Guaranteed pod directly under kubepods', () => {
    expect(parseProcCgroup(K8S_CGROUPFS_GUARANTEED)).toMatchObject({
      podUid: '8dbc5577-d0e2-4706-8787-57d52c03ddf2',
      qosClass: 'Guaranteed',
      containerId: '14011c7d92a9e513dfd69211da0413dbf319a5e45a02b354ba6e98e10272542d',
    });
  });

  it('Kubernetes + CRI-O, systemd and cgroupfs drivers', () => {
    expect(parseProcCgroup(K8S_CRIO_SYSTEMD)).toMatchObject({
      containerRuntime: 'cri-o',
      podUid: '63b3ebfc-2890-11e9-8154-16bf8ef8d9dc',
      qosClass: 'BestEffort',
      containerId: '17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f',
    });
    expect(parseProcCgroup(K8S_CRIO_CGROUPFS)).toMatchObject({
      containerRuntime: 'cri-o',
      podUid: '0fc6e9ad-4eed-49d4-8d58-2b4fbd7c9a7f',
      qosClass: 'Burstable',
      containerId: '17d8c9eacc629f9945f304d89e9708c0c619649a484a215b240628319548a09f',
    });
  });

  it("CRI-O's conmon is in the pod but not in the container", () => {
    const m = parseProcCgroup(K8S_CRIO_CONMON);
    expect(m.podUid).toBe('63b3ebfc-2890-11e9-8154-16bf8ef8d9dc');
    expect(m.containerId).toBe(NA);
    expect(m.inContainer).toBe(true);
  });

  it('Podman: systemd (rootful, with the container sub-cgroup), rootless, cgroupfs', () => {
    expect(parseProcCgroup(PODMAN_SYSTEMD_V2)).toMatchObject({
      containerRuntime: 'podman',
      containerId: '9ce45faf7719310972823ceeb3afaa4bc6c5b86fe1d59da60946fc12f42541ca',
      podUid: NA,
    });
    expect(parseProcCgroup(PODMAN_ROOTLESS)).toMatchObject({
      containerRuntime: 'podman',
      containerId: 'cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1',
    });
    expect(parseProcCgroup(PODMAN_CGROUPFS_V1)).toMatchObject({
      cgroupVersion: 1,
      containerRuntime: 'podman',
      containerId: 'cf594798841275880f780c2aa55954b2d218b92a7c82df039aef02e2f4fe83f1',
    });
  });

  it('Slurm job cgroups, v2 and v1, are jobs but not containers', () => {
    const v2 = parseProcCgroup(SLURM_V2);
    expect(v2).toMatchObject({ slurmJobId: '1392969', slurmStep: '0', inContainer: false, containerId: NA, podUid: NA });
    expect(describeMembership(v2)).toBe('slurm job 1392969');
    // The v1 job line wins over the name=systemd line that only names slurmd's service.
    expect(parseProcCgroup(SLURM_V1)).toMatchObject({
      slurmJobId: '280678',
      slurmStep: 'interactive',
      cgroupPath: '/slurm/uid_2101171/job_280678/step_interactive/task_0',
    });
    expect(parseProcCgroup(SLURM_V2_MULTI)).toMatchObject({ slurmJobId: '42', slurmStep: 'batch' });
  });

  it('a process in no container says so', () => {
    for (const text of [HOST_SESSION, HOST_SERVICE, HOST_HYBRID, '0::/\n', '0::/init.scope\n']) {
      const m = parseProcCgroup(text);
      expect(m.inContainer).toBe(false);
      expect(m.containerId).toBe(NA);
      expect(m.podUid).toBe(NA);
      expect(m.slurmJobId).toBe(NA);
      expect(describeMembership(m)).toBe('-');
    }
    // The hybrid host's unified line is the one reported.
    expect(parseProcCgroup(HOST_HYBRID)).toMatchObject({ cgroupVersion: 2, cgroupPath: '/user.slice/user-1000.slice/session-2.scope' });
  });

  it('paths relative to another cgroup namespace ("/..") still name the pod and container', () => {
    expect(parseProcCgroup(FROM_OTHER_NAMESPACE)).toMatchObject({
      containerRuntime: 'containerd',
      podUid: '6dbbf17e-94e1-4b10-8555-9bfe510c25d5',
      qosClass: 'BestEffort',
    });
    // cgroupfs seen from a sibling: the QoS component is still there, kubepods is not.
    expect(
      parseCgroupPath('/../../besteffort/pod74c13223-5a00-11e9-b385-42010a80018d/34dc0b5e626f2c5c4c5170e34b10e7654ce36f0fcd532739f4445baabea03376'),
    ).toMatchObject({ podUid: '74c13223-5a00-11e9-b385-42010a80018d', qosClass: 'BestEffort' });
  });

  it('a removed cgroup (" (deleted)") and empty or malformed text', () => {
    expect(parseProcCgroup(`${DOCKER_V2.trim()} (deleted)\n`).containerRuntime).toBe('docker');
    expect(parseProcCgroup('')).toMatchObject({ inContainer: false, cgroupPath: '' });
    expect(parseProcCgroup('garbage without colons\n').inContainer).toBe(false);
  });

  it('does not take look-alikes for containers, pods or jobs', () => {
    // A 64-hex directory outside docker/kubepods, a short id, a "pod" word, a job_ outside Slurm.
    for (const path of [
      '/user.slice/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860',
      '/system.slice/docker-3726184226f5.scope',
      '/system.slice/podman.service',
      '/user.slice/pod-abc.scope',
      '/batch/job_12/step_0',
      '/system.slice/docker.service',
    ]) {
      const m = parseCgroupPath(path);
      expect({ path, inContainer: m.inContainer, job: m.slurmJobId }).toEqual({ path, inContainer: false, job: NA });
    }
  });
});
