/** Codes of {@link ExpositionError}: a syntax problem, or a configured limit that the page exceeds. */
export type ExpositionErrorCode = 'ERR_EXPOSITION_SYNTAX' | 'ERR_EXPOSITION_LIMIT';

/**
 * A metrics page that cannot be ingested. Carries the 1-based `line` where the problem is (0 for the page as a
 * whole) and a short, printable excerpt of that line.
 */
export class ExpositionError extends Error {
  override readonly name = 'ExpositionError';
  readonly code: ExpositionErrorCode;
  /** 1-based line number; 0 when the problem is not on one line (body size, missing `# EOF`). */
  readonly line: number;

  constructor(code: ExpositionErrorCode, line: number, message: string, excerpt?: string) {
    const where = line > 0 ? `line ${line}: ` : '';
    super(`${where}${message}${excerpt === undefined ? '' : ` (in ${quoteExcerpt(excerpt)})`}`);
    this.code = code;
    this.line = line;
  }
}

function quoteExcerpt(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  // JSON.stringify escapes control characters so a hostile page cannot forge log lines
  return JSON.stringify(short);
}
