// Label matchers moved to @argus/core (issue 14): core, store, promql and alerting all select series, and none
// of them should need a transform package for it. These aliases stay for one minor release.
import {
  type LabelMatcher as CoreLabelMatcher,
  MatcherSyntaxError as CoreMatcherSyntaxError,
  type MatchOp as CoreMatchOp,
  labelMatcher as coreLabelMatcher,
  matchesLabels as coreMatchesLabels,
  parseMatchers as coreParseMatchers,
} from '@argus/core';

/** @deprecated Import `MatchOp` from `@argus/core`; this alias is removed in the next major. */
export type MatchOp = CoreMatchOp;
/** @deprecated Import `LabelMatcher` from `@argus/core`; this alias is removed in the next major. */
export type LabelMatcher = CoreLabelMatcher;
/** @deprecated Import `MatcherSyntaxError` from `@argus/core`; this alias is removed in the next major. */
export type MatcherSyntaxError = CoreMatcherSyntaxError;
/** @deprecated Import `MatcherSyntaxError` from `@argus/core`; this alias is removed in the next major. */
export const MatcherSyntaxError: typeof CoreMatcherSyntaxError = CoreMatcherSyntaxError;
/** @deprecated Import `labelMatcher` from `@argus/core`; this alias is removed in the next major. */
export const labelMatcher: typeof coreLabelMatcher = coreLabelMatcher;
/** @deprecated Import `matchesLabels` from `@argus/core`; this alias is removed in the next major. */
export const matchesLabels: typeof coreMatchesLabels = coreMatchesLabels;
/** @deprecated Import `parseMatchers` from `@argus/core`; this alias is removed in the next major. */
export const parseMatchers: typeof coreParseMatchers = coreParseMatchers;
