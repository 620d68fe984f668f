// The Kubernetes manifests, checked without a cluster: each overlay rendered by `kubectl kustomize`, then every
// object validated against its OpenAPI schema (kubernetes-models 4.5, prometheus-operator CRDs 4.x), plus the
// properties the issue asks for and the PrometheusRule's rules through `promtool check rules`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { Deployment } from 'kubernetes-models/apps/v1';
import type { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { ConfigMap, Service } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type K8sObject, kubectl, render, validate } from './k8s-render.js';
import { have, root, run } from './tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'argus-k8s-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!kubectl).each(['dev', 'prod'])('deploy/k8s overlay %s', (overlay) => {
  const objects = render(overlay);
  const one = <T>(kind: string): T => objects.find((o) => o.kind === kind) as T;

  it('renders the expected objects, each valid against its schema and in one namespace', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'PrometheusRule',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
        ...(overlay === 'prod' ? ['PersistentVolumeClaim'] : []),
      ].sort(),
    );
    for (const o of objects) expect(() => validate(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(
      new Set([overlay === 'prod' ? 'argus' : 'argus-dev']),
    );
  });

  it('runs non-root on a read-only root filesystem, with probes on /-/healthy and /-/ready and resources', () => {
    const d = one<Deployment>('Deployment');
    const pod = d.spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const c = pod.containers[0]!;
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(c.livenessProbe?.httpGet?.path).toBe('/-/healthy');
    expect(c.readinessProbe?.httpGet?.path).toBe('/-/ready');
    expect(c.resources?.requests?.['memory']).toBeDefined();
    expect(c.resources?.limits?.['memory']).toBeDefined();
    expect(c.env?.find((e) => e.name === 'GRAFANA_TOKEN')?.valueFrom?.secretKeyRef?.name).toBe(
      'argus-secrets',
    );
    // the selectors of the Service, PDB and NetworkPolicy all pick the Deployment's pods
    const labels = d.spec!.template.metadata!.labels!;
    for (const s of [
      one<Service>('Service').spec!.selector!,
      one<PodDisruptionBudget>('PodDisruptionBudget').spec!.selector!.matchLabels!,
      one<NetworkPolicy>('NetworkPolicy').spec!.podSelector.matchLabels!,
    ])
      expect(labels).toMatchObject(s);
  });

  const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
  it.skipIf(!existsSync(cli) && !process.env['CI'])(
    'runs the mounted config with argus run; it passes argus validate and serves on the probed port',
    () => {
      const c = one<Deployment>('Deployment').spec!.template.spec!.containers[0]!;
      const mount = c.volumeMounts!.find((m) => m.name === 'config')!.mountPath;
      expect(c.args).toEqual(['run', `${mount}/argus.yaml`]);
      const yaml = one<ConfigMap>('ConfigMap').data?.['argus.yaml'] ?? '';
      const file = join(tmp, `${overlay}-argus.yaml`);
      writeFileSync(file, yaml);
      const r = run(process.execPath, [cli, 'validate', file]);
      expect(r.out).toMatch(/OK/);
      expect(r.code).toBe(0);
      // the server: block listens on the port the probes and the Service use
      const port = c.ports!.find((p) => p.name === 'http')!.containerPort;
      expect(parse(yaml).server.listen).toBe(`0.0.0.0:${port}`);
    },
  );

  it.skipIf(!have('promtool'))("the PrometheusRule's groups pass promtool check rules", () => {
    const file = join(tmp, `${overlay}-rules.yml`);
    writeFileSync(file, stringify({ groups: one<PrometheusRule>('PrometheusRule').spec!.groups }));
    const r = run('promtool', ['check', 'rules', file]);
    expect(r.out).toMatch(/SUCCESS: 3 rules found/);
    expect(r.code).toBe(0);
  });
});

describe('the schema check catches a broken object', () => {
  it('a Deployment whose container port is a string fails validation', () => {
    const bad = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', ports: [{ containerPort: 'http' }] }] },
        },
      },
    };
    expect(() => validate(bad as K8sObject)).toThrow();
    expect(() => validate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toThrow(/no schema/);
  });
});
