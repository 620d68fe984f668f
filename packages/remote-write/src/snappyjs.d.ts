declare module 'snappyjs' {
  /** Snappy block-format compression (what remote_write's `Content-Encoding: snappy` means). */
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array): Uint8Array;
}
