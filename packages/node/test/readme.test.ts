import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const block = (file: URL): string => {
  const m = readFileSync(file, 'utf8').match(/<!-- embed-example -->\s*```ts\n([\s\S]*?)```/);
  if (!m) throw new Error(`${file.pathname} has no \`\`\`ts block after <!-- embed-example -->`);
  return m[1]!;
};

describe('README', () => {
  it("carries the project README's embed example, byte for byte", () => {
    const mine = block(new URL('../README.md', import.meta.url));
    expect(mine).toBe(block(new URL('../../../README.md', import.meta.url)));
    expect(mine).toMatch(/startArgus\(\{ registry: register \}\)/);
  });
});
