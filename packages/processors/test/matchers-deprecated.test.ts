import * as core from '@argus/core';
import { describe, expect, it } from 'vitest';
import * as processors from '../src/index.js';

describe('deprecated matcher aliases', () => {
  it('are the very functions and class of @argus/core, so old imports keep working', () => {
    expect(processors.parseMatchers).toBe(core.parseMatchers);
    expect(processors.matchesLabels).toBe(core.matchesLabels);
    expect(processors.labelMatcher).toBe(core.labelMatcher);
    expect(processors.MatcherSyntaxError).toBe(core.MatcherSyntaxError);
    expect(() => processors.parseMatchers('{job=')).toThrow(core.MatcherSyntaxError);
  });
});
