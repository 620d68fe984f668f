// What every example's smoke test shares: the example is started with the one command its README gives (the
// first line of its first ```sh block, `pnpm --filter <name> start`). Not a test file itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Started, start } from './processes.js';

/** The README's start command of the example in `dir`: its environment assignments and its argv. */
export function readmeCommand(dir: string): { env: Record<string, string>; argv: string[] } {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const block = readme.match(/```sh\n([\s\S]*?)```/);
  if (!block) throw new Error(`${dir}/README.md has no \`\`\`sh block with its start command`);
  const line = block[1]!.split('\n')[0]!.replace(/#.*$/, '').trim();
  const words = line.split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0]?.includes('=')) {
    const [k, ...v] = words.shift()!.split('=');
    env[k!] = v.join('=');
  }
  const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
  if (words.join(' ') !== `pnpm --filter ${name} start`)
    throw new Error(`${dir}/README.md starts with \`${line}\`, not \`pnpm --filter ${name} start\``);
  return { env, argv: words };
}

/** Variables to set for the example; `undefined` removes one from the environment it inherits. */
export type ExampleEnv = Record<string, string | undefined>;

/** Starts the example in `dir` with its README command (plus `env`), in a process group of its own. */
export function startExample(dir: string, env: ExampleEnv = {}): Started {
  const cmd = readmeCommand(dir);
  const merged: NodeJS.ProcessEnv = { ...process.env, ...cmd.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return start(cmd.argv[0]!, cmd.argv.slice(1), { cwd: dir, env: merged });
}

/** Runs an example that ends by itself, with a deadline; the result has its exit and what it printed. */
export async function runExample(
  dir: string,
  env: ExampleEnv,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; hung: boolean; output: string; stderr: string }> {
  const ex = startExample(dir, env);
  const r = await ex.exit(timeoutMs);
  // pnpm echoes the script it runs on stderr: that line is pnpm's, not the example's
  const { scripts } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return { ...r, output: ex.output(), stderr: ex.stderr().replace(`$ ${scripts.start}\n`, '') };
}
