declare module 'snappyjs' {
  /** Snappy block-format compression (what remote_write's `Content-Encoding: snappy` means). */
  export function compress(input: Uint8Array): Uint8Array;
  /** Throws when the declared uncompressed length is over `maxLength`. */
  export function uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}
