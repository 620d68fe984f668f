import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithBinary, type RunningServer, startNodeExporter, testContext } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scrapeSource } from '../src/index.js';
import { byName, pollOnce } from './helpers.js';

describeWithBinary(
  [{ bin: 'prometheus-node-exporter', pkg: 'prometheus-node-exporter' }],
  'scrapeSource against a real node-exporter',
  () => {
    let exporter: RunningServer;
    beforeAll(async () => {
      exporter = await startNodeExporter({
        textfiles: { 'argus.prom': '# TYPE argus_probe gauge\nargus_probe{kind="a"} 1\n' },
      });
    });
    afterAll(() => exporter?.stop());

    it('scrapes, keeps series stable, marks vanished ones stale, and reports the target down', async () => {
      const ctx = testContext();
      const source = scrapeSource({ targets: [`${exporter.url}/metrics`], job: 'node', timeoutMs: 5_000 });
      const instance = `127.0.0.1:${exporter.port}`;

      const first = await pollOnce(source, ctx);
      expect(first.warnings).toEqual([]);
      expect(byName(first.rows, 'up')[0]).toMatchObject({ value: 1, labels: { job: 'node', instance } });
      const scraped = byName(first.rows, 'scrape_samples_scraped')[0]!.value;
      expect(scraped).toBeGreaterThan(100);
      const idle = byName(first.rows, 'node_cpu_seconds_total').find((r) => r.labels['mode'] === 'idle');
      expect(idle?.labels).toMatchObject({ cpu: '0', job: 'node', instance });
      expect(byName(first.rows, 'argus_probe')[0]!.value).toBe(1);

      await rm(join(exporter.dataDir, 'textfile', 'argus.prom'));
      await writeFile(join(exporter.dataDir, 'textfile', 'other.prom'), 'argus_other 2\n');
      const second = await pollOnce(source, ctx);
      expect(byName(second.rows, 'argus_probe')).toEqual([expect.objectContaining({ stale: true })]);
      expect(byName(second.rows, 'argus_other')[0]!.value).toBe(2);
      // node-exporter's own series (scrape durations, file mtimes) come and go a little; most are stable
      expect(byName(second.rows, 'scrape_series_added')[0]!.value).toBeLessThan(10);

      await exporter.stop();
      const down = await pollOnce(source, ctx);
      expect(byName(down.rows, 'up')[0]!.value).toBe(0);
      expect(down.rows.filter((r) => r.stale).length).toBeGreaterThan(100);
      expect(down.warnings).toHaveLength(1);
    });
  },
);
