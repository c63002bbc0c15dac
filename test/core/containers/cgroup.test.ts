// /proc/<pid>/cgroup contents of each runtime (test/fixtures/cgroup-files.ts, each with its
// source), parsed by src/core/containers/cgroup.ts.
import { describe, expect, it } from 'vitest';

import { describeMembership, parseCgroupPath, parseProcCgroup } from '../../../src/core/containers/cgroup.js';
import { NA } from '../../../src/core/na.js';
import {
  DOCKER_V1_CGROUPFS,
  DOCKER_V1_SYSTEMD,
  DOCKER_V2,
  K8S_CONTAINERD_SYSTEMD_V2,
  K8S_CONTAINERD_STATIC_POD,
  K8S_CGROUPFS_V1,
  K8S_CGROUPFS_GUARANTEED,
  K8S_CRIO_SYSTEMD,
  K8S_CRIO_CGROUPFS,
  K8S_CRIO_CONMON,
  PODMAN_SYSTEMD_V2,
  PODMAN_ROOTLESS,
  PODMAN_CGROUPFS_V1,
  SLURM_V2,
  SLURM_V1,
  SLURM_V2_MULTI,
  HOST_SESSION,
  HOST_SERVICE,
  HOST_HYBRID,
  FROM_OTHER_NAMESPACE,
} from '../../fixtures/cgroup-files.js';

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
