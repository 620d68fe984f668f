// The sharded overlay (deploy/k8s/overlays/sharded): a StatefulSet made from the base's pod template, a headless
// Service, shard.total copied from the replica count and the index from each pod's ordinal. Checked without a
// cluster: rendered by `kubectl kustomize`, validated against the OpenAPI schemas, and the ConfigMap's config run
// through `argus validate` with the environment each pod gets.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import type { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { ConfigMap, Service } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubectl, render, validate } from './k8s-render.js';
import { have, root } from './tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'argus-k8s-sharded-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!kubectl)('deploy/k8s overlay sharded', () => {
  const objects = render('sharded');
  const named = <T>(kind: string, name: string): T =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) as T;
  const sts = named<StatefulSet>('StatefulSet', 'argus');
  const pod = sts.spec!.template.spec!;
  const container = pod.containers.find((c) => c.name === 'argus')!;
  const env = (name: string) => container.env?.find((e) => e.name === name);

  it('renders a StatefulSet instead of the Deployment, every object valid and in one namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/argus-config',
        'NetworkPolicy/argus',
        'PodDisruptionBudget/argus',
        'PrometheusRule/argus',
        'Service/argus',
        'Service/argus-headless',
        'ServiceAccount/argus',
        'ServiceMonitor/argus',
        'StatefulSet/argus',
      ].sort(),
    );
    for (const o of objects) expect(() => validate(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['argus']));
  });

  it("keeps the base's pod: same container hardening, probes and config mount as the Deployment", () => {
    const base = render('prod').find((o) => o.kind === 'Deployment') as Deployment | undefined;
    const c = base!.spec!.template.spec!.containers[0]!;
    for (const k of [
      'args',
      'securityContext',
      'livenessProbe',
      'readinessProbe',
      'startupProbe',
      'ports',
    ] as const)
      expect(container[k], k).toEqual(c[k]);
    expect(pod.securityContext).toEqual(base!.spec!.template.spec!.securityContext);
    expect(container.volumeMounts).toEqual(c.volumeMounts);
  });

  it('has a headless Service for per-pod DNS, and every selector picks the StatefulSet pods', () => {
    const headless = named<Service>('Service', sts.spec!.serviceName!);
    expect(headless.spec!.clusterIP).toBe('None');
    const labels = sts.spec!.template.metadata!.labels!;
    expect(labels).toMatchObject(sts.spec!.selector.matchLabels!);
    for (const s of [
      headless.spec!.selector!,
      named<Service>('Service', 'argus').spec!.selector!,
      named<PodDisruptionBudget>('PodDisruptionBudget', 'argus').spec!.selector!.matchLabels!,
      named<NetworkPolicy>('NetworkPolicy', 'argus').spec!.podSelector.matchLabels!,
    ])
      expect(labels).toMatchObject(s);
    // the ServiceMonitor selects the ClusterIP Service only: each pod is scraped once, not once per Service
    const wanted = named<ServiceMonitor>('ServiceMonitor', 'argus').spec!.selector.matchLabels!;
    const picked = objects.filter(
      (o) =>
        o.kind === 'Service' &&
        Object.entries(wanted).every(
          ([k, v]) => (o.metadata as { labels?: Record<string, string> }).labels?.[k] === v,
        ),
    );
    expect(picked.map((o) => o.metadata.name)).toEqual(['argus']);
  });

  it('derives the shard from the pod: total from spec.replicas, index from the pod-index label', () => {
    expect(sts.spec!.replicas).toBeGreaterThan(1);
    expect(env('ARGUS_SHARD_TOTAL')?.value).toBe(String(sts.spec!.replicas));
    expect(env('ARGUS_SHARD_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.labels['apps.kubernetes.io/pod-index']",
    );
    // state in Redis, one key prefix per ordinal, and the NetworkPolicy lets the pods reach it
    const yaml = parse(named<ConfigMap>('ConfigMap', 'argus-config').data!['argus.yaml']!);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own token, replaced by the CLI per pod
    expect(yaml.pipeline.state.redis.keyPrefix).toBe('argus:${shard.index}:');
    const egress = named<NetworkPolicy>('NetworkPolicy', 'argus').spec!.egress!;
    expect(egress.some((e) => e.ports?.some((p) => p.port === 6379))).toBe(true);
  });

  const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
  it.skipIf(!existsSync(cli) && !process.env['CI'])(
    "the ConfigMap's config passes argus validate on every pod, and only with a pod's ordinal and the total",
    () => {
      const file = join(tmp, 'argus.yaml');
      const yaml = named<ConfigMap>('ConfigMap', 'argus-config').data!['argus.yaml']!;
      writeFileSync(file, yaml);
      expect(parse(yaml).processors[0]).toEqual({ use: 'shardSeries', options: { shard: '$shard' } });
      const validateAs = (podEnv: Record<string, string>) => {
        const { HOME, PATH } = process.env;
        const r = spawnSync(process.execPath, [cli, 'validate', file], {
          cwd: tmp,
          encoding: 'utf8',
          env: { HOME, PATH, ...podEnv },
          timeout: 120_000,
        });
        return { code: r.status, out: `${r.stdout}${r.stderr}` };
      };
      const total = String(sts.spec!.replicas);
      const name = sts.metadata!.name!;
      for (let i = 0; i < sts.spec!.replicas!; i++) {
        // Kubernetes 1.28+: the pod-index label; older clusters: an empty value, and the HOSTNAME ordinal
        for (const index of [String(i), '']) {
          const r = validateAs({
            HOSTNAME: `${name}-${i}`,
            ARGUS_SHARD_TOTAL: total,
            ARGUS_SHARD_INDEX: index,
          });
          expect(r.out).toMatch(/OK/);
          expect(r.code).toBe(0);
        }
      }
      const beyond = validateAs({
        HOSTNAME: `${name}-${total}`,
        ARGUS_SHARD_TOTAL: total,
        ARGUS_SHARD_INDEX: '',
      });
      expect(beyond.out).toMatch(
        new RegExp(`ordinal ${total} from HOSTNAME is not below shard.total \\(${total}\\)`),
      );
      const noTotal = validateAs({ HOSTNAME: `${name}-0`, ARGUS_SHARD_INDEX: '0' });
      expect(noTotal.out).toMatch(/shard: total is not set: set shard.total or the ARGUS_SHARD_TOTAL/);
      expect(noTotal.code).not.toBe(0);
    },
    180_000,
  );

  it.skipIf((!existsSync(cli) || !have('redis-server')) && !process.env['CI'])(
    'each pod running the config keeps its state in Redis under its own ordinal prefix',
    async () => {
      const port = await freePort();
      const redis = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      const cliOf = (args: string[]) =>
        spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
      try {
        await until(() => cliOf(['ping']).stdout?.trim() === 'PONG');
        const yaml = named<ConfigMap>('ConfigMap', 'argus-config')
          .data!['argus.yaml']!.replace('redis://redis:6379', `redis://127.0.0.1:${port}`)
          .replace('dataDir: /data', `dataDir: ${JSON.stringify(join(tmp, 'data'))}`)
          .replace('listen: 0.0.0.0:9090', 'listen: 127.0.0.1:0');
        const file = join(tmp, 'run.yaml');
        writeFileSync(file, yaml);
        const replicas = sts.spec!.replicas!;
        for (let i = 0; i < replicas; i++) {
          const { HOME, PATH } = process.env;
          const r = spawnSync(process.execPath, [cli, 'run', file, '--duration', '1'], {
            cwd: tmp,
            encoding: 'utf8',
            env: { HOME, PATH, HOSTNAME: `${sts.metadata!.name}-${i}`, ARGUS_SHARD_TOTAL: String(replicas) },
            timeout: 120_000,
          });
          expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
        }
        const keys = cliOf(['--scan', '--pattern', '*'])
          .stdout.split('\n')
          .filter((k) => k !== '');
        const prefixes = new Set(keys.map((k) => /^argus:[^:]*:/.exec(k)?.[0]));
        expect([...prefixes].sort()).toEqual(Array.from({ length: replicas }, (_, i) => `argus:${i}:`));
      } finally {
        redis.kill('SIGTERM');
      }
    },
    300_000,
  );
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ok()) throw new Error('redis-server did not answer PING');
}
