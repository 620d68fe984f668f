// The hand-written WriteRequest decoder against the hand-written encoder (round trip) and against bytes written
// out by hand for what the encoder never produces (negative timestamps, histograms, exemplars, metadata, garbage).
import { describe, expect, it } from 'vitest';
import { decodeWriteRequest, encodeWriteRequest, STALE_NAN } from '../src/index.js';

const varint = (n: bigint): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 128n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};
const len = (field: number, bytes: number[]): number[] => [
  (field << 3) | 2,
  ...varint(BigInt(bytes.length)),
  ...bytes,
];
const str = (field: number, s: string): number[] => len(field, [...new TextEncoder().encode(s)]);
const double = (x: number): number[] => [...new Uint8Array(new Float64Array([x]).buffer)];
const sample = (value: number, ts: bigint): number[] => [
  (1 << 3) | 1,
  ...double(value),
  2 << 3,
  ...varint(ts),
];
const label = (name: string, value: string): number[] => len(1, [...str(1, name), ...str(2, value)]);

describe('decodeWriteRequest', () => {
  it('reads back what encodeWriteRequest wrote: labels, timestamps, values, staleness markers', () => {
    const series = [
      {
        labels: [
          ['__name__', 'up'],
          ['instance', 'ä:9090'],
        ] as const,
        timestamps: [1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000],
        values: [1, -0.5, STALE_NAN],
      },
      { labels: [['__name__', 'x']] as const, timestamps: [0], values: [Number.POSITIVE_INFINITY] },
    ];
    const decoded = decodeWriteRequest(encodeWriteRequest(series));
    expect(decoded).toEqual([
      {
        labels: { __name__: 'up', instance: 'ä:9090' },
        timestamps: series[0]!.timestamps,
        values: [1, -0.5, Number.NaN],
        stale: [0, 0, 1],
        histograms: 0,
      },
      {
        labels: { __name__: 'x' },
        timestamps: [0],
        values: [Number.POSITIVE_INFINITY],
        stale: [0],
        histograms: 0,
      },
    ]);
  });

  it('tells an ordinary NaN from the staleness marker', () => {
    const [s] = decodeWriteRequest(
      new Uint8Array(len(1, [...label('a', 'b'), ...len(2, sample(Number.NaN, 5n))])),
    );
    expect(s!.stale).toEqual([0]);
    expect(s!.values[0]).toBeNaN();
  });

  it('reads negative int64 timestamps exactly (10-byte two’s complement)', () => {
    const body = len(1, [
      ...label('a', 'b'),
      ...len(2, sample(1, -1n)),
      ...len(2, sample(2, -1_500_000_000_000n)),
    ]);
    expect(decodeWriteRequest(new Uint8Array(body))[0]!.timestamps).toEqual([-1, -1_500_000_000_000]);
  });

  it('skips exemplars, native histograms and metadata, counting the histograms', () => {
    const exemplar = len(3, [...label('trace_id', 'abc'), (2 << 3) | 1, ...double(3)]);
    const histogram = len(4, [1 << 3, 7, (2 << 3) | 1, ...double(1)]);
    const metadata = len(3, [1 << 3, 1, ...str(2, 'up'), ...str(4, 'help')]);
    const body = [
      ...len(1, [...label('a', 'b'), ...exemplar, ...histogram, ...len(2, sample(4, 9n))]),
      ...metadata,
    ];
    expect(decodeWriteRequest(new Uint8Array(body))).toEqual([
      { labels: { a: 'b' }, timestamps: [9], values: [4], stale: [0], histograms: 1 },
    ]);
  });

  it.each([
    ['a length past the end', [(1 << 3) | 2, 50, 1, 2]],
    ['a truncated varint', [(1 << 3) | 2, 0x80]],
    ['a truncated double', len(1, len(2, [(1 << 3) | 1, 0, 0, 0]))],
    ['a label without a name', len(1, len(1, str(2, 'v')))],
    ['a string that is not UTF-8', len(1, len(1, len(1, [0xff, 0xfe])))],
    ['an unsupported wire type', [(1 << 3) | 3]],
  ])('throws with the byte offset on %s', (_what, bytes) => {
    expect(() => decodeWriteRequest(new Uint8Array(bytes))).toThrow(/^malformed WriteRequest at byte \d+: /);
  });
});
