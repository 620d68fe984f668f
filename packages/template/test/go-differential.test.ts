// The same templates and JSON data run through Go 1.19's text/template (outputs recorded in
// fixtures/go-differential.json by the program in fixtures/go-differential.go.txt, fed a cases.json list of
// [text, data]) and through ours.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPrometheusTemplates, createTemplates } from '../src/index.js';

interface Case {
  text: string;
  data: unknown;
  go: string;
}
const fixture = (name: string): Case[] =>
  (JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as { cases: Case[] })
    .cases;
const cases = fixture('go-differential.json');

// Known differences, left on purpose: Go's message here is a reflect panic text; %X of a float64 is Go's
// hexadecimal float notation, which Argus does not print.
const KNOWN = new Set(['{{ len nil }}', '{{ printf "%x %X % x" "hé" 3.5 "ab" }}']);

const ours = (
  text: string,
  data: unknown,
  create: () => ReturnType<typeof createTemplates> = createTemplates,
): string => {
  let set: ReturnType<typeof createTemplates>;
  try {
    set = create().parse('t', text);
  } catch (e) {
    return `PARSE ${(e as Error).message}`;
  }
  try {
    return `OUT ${set.execute('t', data)}`;
  } catch (e) {
    return `EXEC ${(e as Error).message}`;
  }
};

describe('same output and errors as Go 1.19 text/template', () => {
  it.each(cases.filter((c) => !KNOWN.has(c.text)).map((c) => [c.text, c] as const))('%s', (_t, c) => {
    expect(ours(c.text, c.data)).toBe(c.go);
  });

  it('the known differences are still the only ones', () => {
    expect(cases.filter((c) => KNOWN.has(c.text) && ours(c.text, c.data) !== c.go)).toHaveLength(KNOWN.size);
  });
});

describe("Prometheus's string, regexp and time functions as their Go functions behave", () => {
  it.each(fixture('go-prometheus-funcs.json').map((c) => [c.text, c] as const))('%s', (_t, c) => {
    expect(ours(c.text, c.data, createPrometheusTemplates)).toBe(c.go);
  });
});
