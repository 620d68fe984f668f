import {
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type PluginContext,
  type SeriesRegistry,
} from '@argus/core';
import { createScrapeParser, type ScrapeParser } from '../scrape-parser.js';
import { fetchPage } from './fetch-page.js';
import type { ParsedScrapeOptions } from './options.js';
import { redactUrl, type ScrapeTarget } from './targets.js';

const REPORT = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added'] as const;

/** One target's memory between polls: its parser (series cache) and its report series. */
export class TargetState {
  private parser: ScrapeParser | undefined;
  private registry: SeriesRegistry | undefined;
  private report: number[] = [];
  private lastError: string | undefined;
  private lastSize = 256;

  constructor(
    readonly target: ScrapeTarget,
    private readonly o: ParsedScrapeOptions,
  ) {}

  private bind(series: SeriesRegistry): ScrapeParser {
    if (this.parser && this.registry === series) return this.parser;
    this.registry = series;
    this.parser = createScrapeParser({
      series,
      targetLabels: this.target.labels,
      honorLabels: this.o.honorLabels,
      limits: this.o.limits,
    });
    const labels: Labels = this.target.labels;
    this.report = REPORT.map((name) => series.intern({ ...labels, __name__: name }));
    return this.parser;
  }

  /** Scrapes once: the page's samples (or stale markers when it fails) plus `up` and the scrape's own series. */
  async scrape(ctx: PluginContext): Promise<MetricBatch> {
    const parser = this.bind(ctx.series);
    const t = ctx.clock.now();
    const started = performance.now();
    let out = new MetricBatchBuilder(this.lastSize + 8);
    let counts = { samples: 0, added: 0, duplicates: 0 };
    let error: string | undefined;
    try {
      const page = await fetchPage(this.target.url, {
        timeoutMs: this.o.timeoutMs,
        maxBytes: this.o.limits.bodySizeLimitBytes,
        signal: ctx.signal,
        headers: this.o.headers,
      });
      counts = await parser.parseSliced(page.body, page.format, t, out);
      this.noteDuplicates(ctx, counts.duplicates);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      out = new MetricBatchBuilder(parser.size + 8);
      parser.markStale(t, out);
    }
    this.lastSize = out.length;
    const duration = (performance.now() - started) / 1000;
    const values = [error ? 0 : 1, duration, counts.samples, counts.added];
    for (let k = 0; k < this.report.length; k++) out.push(this.report[k]!, t, values[k]!);
    this.noteHealth(ctx, error);
    return out.build();
  }

  /** The target is gone (no longer discovered): stale markers for its series and its report series. */
  retire(ctx: PluginContext): MetricBatch {
    const out = new MetricBatchBuilder();
    const t = ctx.clock.now();
    if (this.parser && this.registry === ctx.series) {
      this.parser.markStale(t, out);
      for (const id of this.report) out.push(id, t, Number.NaN, true);
    }
    return out.build();
  }

  private noteHealth(ctx: PluginContext, error: string | undefined): void {
    const where = redactUrl(this.target.url);
    if (error) {
      ctx.metrics.count('scrape_failures');
      // once per distinct failure, not once per poll
      if (error !== this.lastError) ctx.log.warn(`scrape of ${where} failed: ${error}`, { target: where });
    } else if (this.lastError) {
      ctx.log.info(`scrape of ${where} recovered`, { target: where });
    }
    this.lastError = error;
  }

  private noteDuplicates(ctx: PluginContext, n: number): void {
    if (n === 0) return;
    ctx.metrics.count('scrape_duplicate_samples', n);
    ctx.log.warn(`${redactUrl(this.target.url)} repeated ${n} series on one page; repeats dropped`);
  }
}
