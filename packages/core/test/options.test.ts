import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkOptions, createPipeline, didYouMean, type OptionIssue, parseOptions } from '../src/index.js';
import { collectSink, pushSource } from './helpers.js';

const schema = z.strictObject({
  findings: z.boolean().default(true),
  json: z.boolean().optional(),
  endpoint: z.string(),
  auth: z.strictObject({ token: z.string() }).optional(),
});

function issues(input: unknown): OptionIssue[] {
  const r = checkOptions(schema, input, 'demo');
  if (!('issues' in r)) throw new Error('expected issues');
  return r.issues;
}

describe('option issues', () => {
  it('says "required" for a missing field, with what was expected', () => {
    expect(issues({})).toEqual([
      { path: 'endpoint', keys: ['endpoint'], message: 'required (expected string)', given: 'nothing' },
    ]);
  });

  it("keeps a refinement's own message for a missing field", () => {
    const refined = z
      .strictObject({ url: z.string().optional() })
      .refine((o) => o.url !== undefined, { message: 'give url or set offline: true', path: ['url'] });
    const r = checkOptions(refined, {}, 'demo');
    expect('issues' in r && r.issues[0]?.message).toBe('give url or set offline: true');
  });

  it('rejects an unknown field with the closest known one and the list of fields', () => {
    const [issue] = issues({ endpoint: 'x', finding: false });
    expect(issue?.path).toBe('finding');
    expect(issue?.message).toBe(
      'unknown field; did you mean "findings"? known fields: findings, json, endpoint, auth',
    );
    expect(issue?.given).toBe('false');
  });

  it('names unknown fields of nested objects by their full path, without a guess when nothing is close', () => {
    const [issue] = issues({ endpoint: 'x', auth: { token: 't', password: 'p' } });
    expect(issue?.keys).toEqual(['auth', 'password']);
    expect(issue?.message).toBe('unknown field; known fields: token');
  });

  it('reports every problem at once', () => {
    const all = issues({ findings: 'yes', json: 1, finding: true });
    expect(all.map((i) => i.path).sort()).toEqual(['endpoint', 'finding', 'findings', 'json']);
  });

  it('parseOptions throws one ERR_PLUGIN_OPTIONS error listing every issue', () => {
    expect(() => parseOptions(schema, { finding: 1 }, 'demo')).toThrow(
      /\[demo:create\] invalid options:\n {2}- endpoint: required .*\n {2}- finding: unknown field; did you mean "findings"\?/,
    );
  });
});

describe('didYouMean', () => {
  it('finds typos, swapped letters and case slips, and nothing for unrelated words', () => {
    expect(didYouMean('synthetc', ['synthetic', 'process'])).toBe('synthetic');
    expect(didYouMean('jsno', ['json', 'findings'])).toBe('json');
    expect(didYouMean('IntervalMS', ['intervalMs'])).toBe('intervalMs');
    expect(didYouMean('colour', ['json', 'findings'])).toBeUndefined();
  });
});

describe('entry settings are strict per kind', () => {
  it('refuses a source setting on a sink, naming the sink and the allowed fields', () => {
    expect(() =>
      createPipeline({
        sources: [pushSource()],
        sinks: [{ use: collectSink('out'), intervalMs: 5 } as never],
      }),
    ).toThrow(
      /\[out:create\] invalid options:\n {2}- intervalMs: unknown field; known fields: onStartError, buffer, timeoutMs, maxRetries/,
    );
  });

  it('refuses an unknown buffer field with a guess', () => {
    expect(() =>
      createPipeline({ sinks: [{ use: collectSink('out'), buffer: { maxItem: 5 } } as never] }),
    ).toThrow(/buffer\.maxItem: unknown field; did you mean "maxItems"\?/);
  });

  it('validates the pipeline-wide settings', () => {
    expect(() => createPipeline({ sinks: [collectSink('out')], maxSeries: 0 })).toThrow(/maxSeries/);
  });
});
