import type { Io } from '../src/index.js';

/** An Io capturing what the CLI writes. */
export function captureIo(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    color: false,
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  return io;
}
