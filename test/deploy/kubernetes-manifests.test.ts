// deploy/kubernetes, validated without kubectl: every manifest against the Kubernetes OpenAPI
// schemas of its kind (strict: unknown fields are errors, as with `kubectl apply --validate=strict`),
// the kustomization against SchemaStore's schema, then the wiring the schemas cannot see.
// Schemas and their origin: test/fixtures/kubernetes-schemas/README.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

import { parseExporterArguments } from '../../src/cli/exporter/args.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const deployDir = path.join(root, 'deploy/kubernetes');
const schemaDir = path.join(root, 'test/fixtures/kubernetes-schemas');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Manifest = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Closes every object schema that lists properties (openapi2jsonschema's --strict, for the CRD). */
function strictify(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strictify(sub)]))
      : strictify(value);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function loadSchema(file: string): Json {
  const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, file), 'utf8')) as { [key: string]: Json };
  delete schema.$schema; // "http://json-schema.org/schema#" is not a meta-schema ajv knows; the keywords are draft-07's
  delete schema.id;
  return strictify(schema);
}

const ajv = new Ajv({ strict: false, allErrors: true });
for (const format of ['int32', 'int64', 'double', 'float', 'byte', 'date-time', 'int-or-string']) ajv.addFormat(format, true);

const SCHEMAS: Record<string, string> = {
  'apps/v1 DaemonSet': 'daemonset-apps-v1.json',
  'v1 Service': 'service-v1.json',
  'v1 ServiceAccount': 'serviceaccount-v1.json',
  'v1 Namespace': 'namespace-v1.json',
  'monitoring.coreos.com/v1 ServiceMonitor': 'servicemonitor-monitoring-v1.json',
};
const validators = new Map<string, ValidateFunction>();
function validatorFor(apiVersion: string, kind: string): ValidateFunction {
  const key = `${apiVersion} ${kind}`;
  const file = SCHEMAS[key];
  if (file === undefined) throw new Error(`no schema for ${key}: add one to test/fixtures/kubernetes-schemas`);
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(loadSchema(file) as object);
    validators.set(key, validate);
  }
  return validate;
}

function errorsOf(validate: ValidateFunction, document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const kustomization = parseYaml(fs.readFileSync(path.join(deployDir, 'kustomization.yaml'), 'utf8')) as Manifest;
const documents: Array<{ file: string; doc: Manifest }> = (kustomization.resources as string[]).flatMap((file) =>
  parseAllDocuments(fs.readFileSync(path.join(deployDir, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return { file, doc: d.toJSON() as Manifest };
  }),
);
const byKind = (kind: string): Manifest => {
  const found = documents.filter((d) => d.doc.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.doc;
};

describe('deploy/kubernetes', () => {
  it('the kustomization passes SchemaStore\'s schema and lists every manifest in the folder', () => {
    const validate = ajv.compile(loadSchema('kustomization.json') as object);
    expect(errorsOf(validate, kustomization)).toEqual([]);
    const yamlFiles = fs.readdirSync(deployDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...(kustomization.resources as string[])].sort()).toEqual(yamlFiles.sort());
  });

  it('every manifest passes the strict OpenAPI schema of its kind', () => {
    expect(documents.map((d) => `${d.doc.apiVersion} ${d.doc.kind}`).sort()).toEqual(Object.keys(SCHEMAS).sort());
    for (const { file, doc } of documents) {
      expect({ file, errors: errorsOf(validatorFor(doc.apiVersion, doc.kind), doc) }).toEqual({ file, errors: [] });
    }
  });

  it('the validation is strict: a misspelt field, a wrong type and an unknown enum value are caught', () => {
    const daemonSet = structuredClone(byKind('DaemonSet'));
    const container = daemonSet.spec.template.spec.containers[0];
    container.securityContex = container.securityContext; // typo
    expect(errorsOf(validatorFor('apps/v1', 'DaemonSet'), daemonSet).join('\n')).toMatch(/securityContex/);
    const wrongType = structuredClone(byKind('DaemonSet'));
    wrongType.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    expect(errorsOf(validatorFor('apps/v1', 'DaemonSet'), wrongType).join('\n')).toMatch(/containerPort must be integer/);
    const monitor = structuredClone(byKind('ServiceMonitor'));
    monitor.spec.endpoints[0].relabelings[3].action = 'dropeverything';
    monitor.spec.endpoints[0].honourLabels = true;
    const errors = errorsOf(validatorFor('monitoring.coreos.com/v1', 'ServiceMonitor'), monitor).join('\n');
    expect(errors).toMatch(/must be equal to one of the allowed values/);
    expect(errors).toMatch(/honourLabels/);
  });

  it('the DaemonSet mounts the kubelet pod-resources socket read-only and keeps the least privilege it needs', () => {
    const daemonSet = byKind('DaemonSet');
    const pod = daemonSet.spec.template.spec;
    const container = pod.containers[0];
    const mount = container.volumeMounts.find((m: Manifest) => m.mountPath === '/var/lib/kubelet/pod-resources');
    expect(mount).toMatchObject({ readOnly: true });
    expect(pod.volumes.find((v: Manifest) => v.name === mount.name)).toMatchObject({ hostPath: { path: '/var/lib/kubelet/pod-resources', type: 'Directory' } });
    // Exactly the host access the exporter needs: the host PID namespace, nothing else of the host's.
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostIPC).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes.filter((v: Manifest) => v.hostPath !== undefined)).toHaveLength(1);
    expect(container.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    // GPU access through the NVIDIA runtime, on GPU nodes, without taking a GPU from workloads.
    expect(container.env).toContainEqual({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' });
    expect(JSON.stringify(container.resources)).not.toContain('nvidia.com/gpu');
    expect(pod.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(daemonSet.spec.selector.matchLabels).toEqual(
      Object.fromEntries(Object.entries(daemonSet.spec.template.metadata.labels).filter(([k]) => k in daemonSet.spec.selector.matchLabels)),
    );
  });

  it('Service, ServiceMonitor and DaemonSet are wired to each other', () => {
    const daemonSet = byKind('DaemonSet');
    const service = byKind('Service');
    const monitor = byKind('ServiceMonitor');
    const podLabels = daemonSet.spec.template.metadata.labels as Record<string, string>;
    for (const [k, v] of Object.entries(service.spec.selector as Record<string, string>)) expect(podLabels[k]).toBe(v);
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels as Record<string, string>)) expect(service.metadata.labels[k]).toBe(v);
    const containerPort = daemonSet.spec.template.spec.containers[0].ports.find((p: Manifest) => p.name === service.spec.ports[0].targetPort);
    expect(containerPort).toBeDefined();
    expect(service.spec.ports.map((p: Manifest) => p.name)).toContain(monitor.spec.endpoints[0].port);
    const args = daemonSet.spec.template.spec.containers[0].args as string[];
    expect(args).toContain(`--port=${containerPort.containerPort}`);
    // The container's arguments are ones nvitop-exporter accepts, with the Kubernetes labels on.
    const request = parseExporterArguments(args, 'unused');
    expect(request).toMatchObject({ action: 'run', options: { kubernetes: true, bindAddress: '0.0.0.0', port: containerPort.containerPort, hostname: '$(NODE_NAME)' } });
    expect(daemonSet.spec.template.spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(byKind('ServiceAccount').metadata.name).toBe(daemonSet.spec.template.spec.serviceAccountName);
    expect(byKind('Namespace').metadata.name).toBe(kustomization.namespace);
  });
});
