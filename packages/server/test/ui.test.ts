import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testServer } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'argus-ui-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Argus</title>');
writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uiRoot', () => {
  it('serves the built files at / without credentials, with the CSP, and the API still needs them', async () => {
    const s = await testServer({ uiRoot: root });
    try {
      const index = await s.app.inject({ url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toContain('text/html');
      expect(index.headers['content-security-policy']).toContain("default-src 'self'");
      expect(index.body).toContain('<title>Argus</title>');
      const js = await s.app.inject({ url: '/assets/app-1234.js' });
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toContain('text/javascript');
      expect(js.headers['cache-control']).toContain('immutable');
      expect((await s.app.inject({ url: '/assets/../index.html' })).statusCode).not.toBe(500);
      expect((await s.app.inject({ url: '/nope.js' })).statusCode).toBe(404);
      expect((await s.app.inject({ url: '/api/alerts' })).statusCode).toBe(401);
    } finally {
      await s.close();
    }
  });

  it('is off by default', async () => {
    const s = await testServer();
    try {
      expect((await s.app.inject({ url: '/' })).statusCode).toBe(404);
    } finally {
      await s.close();
    }
  });

  it('names the option and the fix when the folder has no build', async () => {
    await expect(testServer({ uiRoot: join(root, 'assets') })).rejects.toThrow(
      /uiRoot.*no index\.html.*pnpm --filter @argus\/ui build/,
    );
  });
});
