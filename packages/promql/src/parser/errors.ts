/** A query that Prometheus 2.42 would refuse to parse: the message and where (0-based character offset). */
export class PromQLParseError extends Error {
  readonly code = 'ERR_PROMQL_PARSE' as const;
  constructor(
    message: string,
    readonly position: number,
    readonly query: string,
  ) {
    const { line, col } = lineCol(query, position);
    super(`${line}:${col}: parse error: ${message}`);
    this.name = 'PromQLParseError';
  }
}

/** An error while evaluating a query (Prometheus's execution errors), or a limit that was hit. */
export class PromQLEvalError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'ERR_PROMQL_EXECUTION'
      | 'ERR_PROMQL_TOO_MANY_SAMPLES'
      | 'ERR_PROMQL_ABORTED' = 'ERR_PROMQL_EXECUTION',
  ) {
    super(message);
    this.name = 'PromQLEvalError';
  }
}

function lineCol(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, col: pos - start + 1 };
}

/** What the type checks need from the builder: failing with a position. */
export interface Failer {
  fail(message: string, pos: number): never;
}
