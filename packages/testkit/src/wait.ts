/**
 * Polls `check` every 100 ms until it holds; rejects naming `what` after `timeoutMs`. For state a real server
 * reaches by itself (a cluster settling, samples arriving): the wait ends on the event, not on a guessed sleep.
 * @example
 * await waitUntil('the notification', () => notifications.length > 0);
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
