const warned = new Set<string>();

/**
 * Emits a Node `DeprecationWarning` once per `code` per process: what renamed options and functions call
 * while their old name is still accepted (`--no-deprecation` silences it, `--throw-deprecation` makes it throw).
 * @example deprecate('ARGUS_DEP_WEBHOOK_URL', 'the notifier option `webhookUrl` is renamed `url`')
 */
export function deprecate(code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(message, { type: 'DeprecationWarning', code });
}
