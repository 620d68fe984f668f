import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

interface Asset {
  body: Buffer;
  type: string;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Serves the built web UI (@argus/ui's dist) at the API's root. The files are read once at start-up and only
 * those are served: no path from a request ever reaches the file system, so there is nothing to traverse.
 */
export async function uiRoutes(app: FastifyInstance, root: string): Promise<void> {
  const assets = new Map<string, Asset>();
  let files: string[];
  try {
    files = await walk(root);
  } catch (err) {
    throw new Error(
      `server: option uiRoot: cannot read ${root} (${(err as Error).message}); build the UI first with \`pnpm --filter @argus/ui build\``,
    );
  }
  for (const f of files)
    assets.set(relative(root, f).split(sep).join('/'), {
      body: await readFile(f),
      type: TYPES[extname(f)] ?? 'application/octet-stream',
    });
  const index = assets.get('index.html');
  if (!index)
    throw new Error(
      `server: option uiRoot: ${root} has no index.html; build the UI first with \`pnpm --filter @argus/ui build\``,
    );
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const asset = path === '' ? index : assets.get(path);
    if (!asset)
      return reply.code(404).send({ error: 'not_found', message: `no route or UI file ${req.url}` });
    // hashed asset names change with their content; index.html must be re-read to pick up a new build
    reply.header('cache-control', asset === index ? 'no-cache' : 'public, max-age=31536000, immutable');
    return reply.type(asset.type).send(asset.body);
  });
}
