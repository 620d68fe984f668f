import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built worker script. From the package's dist (`dist/index.js` → `dist/job-worker.js`); from its sources
 * (tests run `src/`), the built one next door, since Node 20 cannot run a TypeScript worker.
 */
export function jobWorkerFile(): URL {
  const candidates = [
    new URL('./job-worker.js', import.meta.url),
    new URL('../../dist/job-worker.js', import.meta.url),
  ];
  const found = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!found)
    throw new Error(
      `server: the analysis job worker is missing (looked for ${candidates.map((u) => fileURLToPath(u)).join(', ')}); build @argus/server: pnpm --filter @argus/server build`,
    );
  return found;
}
