// The Docker Compose stack, checked without Docker: the compose spec (dclint), every file it mounts or builds
// from, Prometheus's and Alertmanager's configs with their own checkers, Argus's pipeline config with
// `argus validate`, and Grafana's provisioning files against the schemas the Grafana sink's tests use.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDashboards, provisioningFiles } from '@argus/sink-grafana';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  dashboardModel,
  dashboardProviders,
  datasourceProvisioning,
} from '../../../packages/sink-grafana/test/grafana-api/schemas.js';
import { deploy, have, root, run } from './tools.js';

const dir = join(deploy, 'compose');
const compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as {
  services: Record<
    string,
    { volumes?: string[]; build?: { context: string; dockerfile: string }; profiles?: string[] }
  >;
};
const dclint = new URL('../node_modules/.bin/dclint', import.meta.url).pathname;
const ajv = new Ajv({ allErrors: true, strict: false });

describe('deploy/compose', () => {
  it('passes dclint (the compose spec schema and its rules)', () => {
    expect(have(dclint)).toBe(true);
    const r = run(dclint, [join(dir, 'compose.yaml')]);
    expect(r.out.trim()).toBe('');
    expect(r.code).toBe(0);
  });

  it('has the whole stack, Ollama only as a profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'argus',
      'grafana',
      'node-exporter',
      'ollama',
      'prometheus',
    ]);
    expect(compose.services['ollama']!.profiles).toEqual(['ollama']);
  });

  it('every file it binds and builds from exists', () => {
    const binds = Object.values(compose.services).flatMap((s) =>
      (s.volumes ?? []).filter((v) => v.startsWith('./')),
    );
    expect(binds.length).toBeGreaterThan(4);
    for (const v of binds) expect(existsSync(resolve(dir, v.split(':')[0]!)), v).toBe(true);
    for (const s of Object.values(compose.services).filter((x) => x.build)) {
      expect(existsSync(resolve(dir, s.build!.context, s.build!.dockerfile))).toBe(true);
    }
  });

  it.skipIf(!have('promtool'))('prometheus.yml and its rules pass promtool check config', () => {
    const r = run('promtool', ['check', 'config', join(dir, 'prometheus', 'prometheus.yml')]);
    expect(r.out).toMatch(/SUCCESS: 2 rules found/);
    expect(r.code).toBe(0);
  });

  it.skipIf(!have('amtool'))('alertmanager.yml passes amtool check-config', () => {
    const r = run('amtool', ['check-config', join(dir, 'alertmanager', 'alertmanager.yml')]);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
  it.skipIf(!existsSync(cli) && !process.env['CI'])('the pipeline config passes argus validate', () => {
    const r = run(process.execPath, [cli, 'validate', join(dir, 'argus', 'argus.yaml')]);
    expect(r.out).toMatch(/OK/);
    expect(r.code).toBe(0);
  });
});

describe('deploy/compose/grafana provisioning', () => {
  const prov = join(dir, 'grafana', 'provisioning');

  it('every data source file passes the schema, with unique uids', () => {
    const check = ajv.compile(datasourceProvisioning);
    const uids: string[] = [];
    for (const f of readdirSync(join(prov, 'datasources'))) {
      const doc = parse(readFileSync(join(prov, 'datasources', f), 'utf8'));
      expect(check(doc), `${f}: ${ajv.errorsText(check.errors)}`).toBe(true);
      uids.push(...doc.datasources.map((d: { uid: string }) => d.uid));
    }
    expect(uids.sort()).toEqual(['alertmanager', 'argus', 'prometheus']);
  });

  it('the dashboard provider passes the schema and reads the directory compose mounts', () => {
    const check = ajv.compile(dashboardProviders);
    const doc = parse(readFileSync(join(prov, 'dashboards', 'argus.yaml'), 'utf8'));
    expect(check(doc), ajv.errorsText(check.errors)).toBe(true);
    const mounts = compose.services['grafana']!.volumes!.map((v) => v.split(':'));
    const mounted = mounts.find(([from]) => from === './grafana/dashboards');
    expect(mounted?.[1]).toBe(doc.providers[0].options.path);
  });

  it('the dashboards pass the dashboard schema and are what `argus grafana export` generates now', () => {
    const check = ajv.compile(dashboardModel);
    const files = provisioningFiles(buildDashboards({ groups: [{ name: 'all' }] }), {
      datasource: { uid: 'argus', name: 'Argus', url: 'http://argus:9090' },
    });
    for (const f of files) {
      const committed = readFileSync(join(dir, 'grafana', f.path), 'utf8');
      expect(committed, `${f.path} is stale: run argus grafana export --out deploy/compose/grafana`).toBe(
        f.content,
      );
      if (f.path.endsWith('.json'))
        expect(check(JSON.parse(committed)), ajv.errorsText(check.errors)).toBe(true);
    }
  });
});
