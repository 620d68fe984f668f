// The banner line when the installed web UI has no build: `pnpm demo` builds it in the background on its first run
// (scripts/demo.mjs sets ARGUS_UI_BUILDING), so the banner says so instead of telling the user to build it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type LiveServer, serverLines, UI_BUILDING_ENV, uiNotBuilt } from '../src/live-server.js';

const index = '/repo/packages/ui/dist/index.html';

function lines(uiMissing: string): string[] {
  const server = { url: 'http://127.0.0.1:9093', app: {}, uiMissing, close: async () => {} };
  return serverLines(server as unknown as LiveServer, true);
}

it('while pnpm demo builds the UI in the background: being built, served from the next run, the manual command', () => {
  const out = lines(uiNotBuilt(index, { [UI_BUILDING_ENV]: '1' }));
  expect(out[0]).toBe('API on http://127.0.0.1:9093/api/ (OpenAPI: http://127.0.0.1:9093/api/openapi.json)');
  expect(out.at(-1)).toMatch(
    /^no web UI: the web UI is being built in the background .*served from the next run on/,
  );
  expect(out.at(-1)).toContain('`pnpm --filter @argus/ui build`');
  expect(out.join('\n')).not.toContain('not built');
});

it('with no background build (argus demo run directly): not built, and the command to build it', () => {
  const out = lines(uiNotBuilt(index, {}));
  expect(out.at(-1)).toBe(
    `no web UI: the web UI is not built (no ${index}): run \`pnpm --filter @argus/ui build\``,
  );
});

it('pnpm demo sets the variable the CLI reads, after starting the background build', () => {
  const script = readFileSync(join(import.meta.dirname, '..', '..', '..', 'scripts', 'demo.mjs'), 'utf8');
  const set = script.indexOf(`process.env.${UI_BUILDING_ENV} = '1'`);
  expect(set).toBeGreaterThan(script.indexOf("'@argus/ui'"));
  expect(set).toBeLessThan(script.indexOf('await import(pathToFileURL(bin).href)'));
});
