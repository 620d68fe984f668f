/**
 * Compiles a Prometheus (RE2) regular expression into a fully anchored JavaScript one, as Prometheus does
 * with `^(?s:re)$`: it must match the whole value, and `.` matches newlines too.
 * Two RE2 spellings JavaScript lacks are translated so pasted Prometheus config works: a leading `(?i)`
 * becomes the `i` flag and `(?P<name>…)` becomes `(?<name>…)`. Throws with the engine's reason.
 */
export function compileAnchored(source: string): RegExp {
  let body = source;
  let flags = 's';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags += 'i';
  }
  body = body.replace(/\(\?P</g, '(?<');
  try {
    // compiled alone first, so a body like `a)|(b` cannot escape the anchoring group
    new RegExp(body, flags);
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^.*: /, '') : String(err);
    throw new Error(`invalid regular expression ${JSON.stringify(source)}: ${reason}`);
  }
}
