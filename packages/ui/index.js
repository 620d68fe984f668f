// The built UI's folder, for @argus/server's `uiRoot` option (run `pnpm --filter @argus/ui build` first).
import { fileURLToPath } from 'node:url';

export const uiRoot = fileURLToPath(new URL('./dist/', import.meta.url));
