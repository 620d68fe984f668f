import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeWithBinary,
  findBinary,
  requireBinary,
  startAlertmanager,
  startNodeExporter,
  startPrometheus,
  startServer,
} from './imports.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A stand-in server: node serving /ready on the port it is given, echoing a file from its data dir.
const script = `
const [port, dir] = process.argv.slice(-2);
const fs = require('node:fs');
require('node:http').createServer((req, res) => {
  res.statusCode = req.url === '/ready' ? 200 : 404;
  res.end(fs.readFileSync(dir + '/conf.txt', 'utf8'));
}).listen(Number(port), '127.0.0.1', () => console.log('listening on ' + port));
`;

describe('startServer', () => {
  it('names the missing binary and the apt-get command', async () => {
    await expect(
      startServer({ command: 'argus-no-such-server', debianPackage: 'argus-pkg', args: () => [] }),
    ).rejects.toMatchObject({
      code: 'ERR_BINARY_MISSING',
      message: expect.stringContaining('apt-get install -y argus-pkg'),
    });
    expect(requireBinary('argus-no-such-server', 'argus-pkg')).toBe(false);
    expect(requireBinary('node', 'nodejs')).toBe(true);
    expect(findBinary(process.execPath)).toBe(process.execPath);
  });

  it('runs a server on a free port with its files, waits for ready, captures output, stops and cleans up', async () => {
    const server = await startServer({
      command: process.execPath,
      args: ({ port, dataDir }) => ['-e', script, String(port), dataDir],
      files: ({ port }) => ({ 'conf.txt': `configured for ${port}` }),
      readyPath: '/ready',
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(readFileSync(`${server.dataDir}/conf.txt`, 'utf8')).toBe(`configured for ${server.port}`);
    expect(await (await fetch(`${server.url}/ready`)).text()).toBe(`configured for ${server.port}`);
    expect(server.output()).toContain(`listening on ${server.port}`);
    expect(alive(server.pid)).toBe(true);
    const stopping = server.stop();
    expect(server.stop()).toBe(stopping);
    await stopping;
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('fails with the exit status and the server output when it dies before ready', async () => {
    await expect(
      startServer({
        command: process.execPath,
        args: () => ['-e', "console.error('bad flag --nope'); process.exit(3)"],
        readyPath: '/',
      }),
    ).rejects.toThrow(/exited with code 3[\s\S]*bad flag --nope/);
  });

  it('gives up after timeoutMs when the ready check never passes', async () => {
    let seenPort = 0;
    await expect(
      startServer({
        command: process.execPath,
        args: ({ port }) => {
          seenPort = port;
          return ['-e', 'setInterval(() => {}, 1000)'];
        },
        readyCheck: async () => false,
        timeoutMs: 200,
      }),
    ).rejects.toThrow(/not ready within 200 ms/);
    expect(seenPort).toBeGreaterThan(0);
  });
});

const AM_CONFIG = `route:
  receiver: hook
  group_by: [alertname]
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:9/never
`;

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'startAlertmanager (real binary)',
  () => {
    it('starts with clustering off and its own external URL, then stops (pid gone, dir removed)', async () => {
      const am = await startAlertmanager({ config: AM_CONFIG });
      const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as {
        cluster: { status: string };
        config: { original: string };
      };
      expect(status.cluster.status).toBe('disabled');
      expect(status.config.original).toContain('http://127.0.0.1:9/never');
      await am.stop();
      expect(alive(am.pid)).toBe(false);
      expect(existsSync(am.dataDir)).toBe(false);
    });
  },
);

describeWithBinary([{ bin: 'prometheus', pkg: 'prometheus' }], 'startPrometheus (real binary)', () => {
  it('starts with its config and rules, then stops (pid gone, dir removed)', async () => {
    const prom = await startPrometheus({
      config: ({ port }) =>
        `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: [rules.yml]\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
      rules: 'groups:\n  - name: testkit\n    rules:\n      - record: testkit:up\n        expr: up\n',
    });
    const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string }[] };
    };
    expect(rules.data.groups.map((g) => g.name)).toEqual(['testkit']);
    await prom.stop();
    expect(alive(prom.pid)).toBe(false);
    expect(existsSync(prom.dataDir)).toBe(false);
  });
});

describeWithBinary(
  [{ bin: 'prometheus-node-exporter', pkg: 'prometheus-node-exporter' }],
  'startNodeExporter (real binary)',
  () => {
    it('serves textfile metrics on its port', async () => {
      const node = await startNodeExporter({ textfiles: { 'demo.prom': 'testkit_demo 42\n' } });
      try {
        expect(await (await fetch(`${node.url}/metrics`)).text()).toContain('testkit_demo 42');
      } finally {
        await node.stop();
      }
      expect(alive(node.pid)).toBe(false);
    });
  },
);
