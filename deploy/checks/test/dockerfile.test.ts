// The Dockerfile, checked without Docker: dockerfile-utils' validator, and the properties the issue asks for
// (multi-stage, a pinned Node 20 base, a non-root user, production dependencies only).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { deploy, root } from './tools.js';

const text = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
const lines = text.split('\n').filter((l) => !l.startsWith('#'));

describe('deploy/Dockerfile', () => {
  it('passes dockerfile-utils validation with no errors or warnings', () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('catches a broken Dockerfile (the check can fail)', () => {
    expect(validate('FROM node:20\nCOPY\nEXPOSE port\n').length).toBeGreaterThan(0);
  });

  it('is multi-stage on a pinned Node 20 image and runs as a non-root user', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:20\.\d+\.\d+-[a-z-]+ AS /);
    const last = text.slice(text.lastIndexOf('\nFROM '));
    const user = last.match(/^USER (\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(last.indexOf('USER ')).toBeLessThan(last.indexOf('ENTRYPOINT'));
  });

  it('ships production dependencies only, and the build context leaves out node_modules and dist', () => {
    expect(text).toMatch(/deploy --prod/);
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
    expect(ignore).toMatch(/^\*\*\/dist$/m);
    expect(existsSync(join(root, 'pnpm-lock.yaml'))).toBe(true);
  });
});
