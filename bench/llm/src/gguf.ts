// A tiny random-weight llama-architecture model in GGUF v3, written from the format's documentation
// (ggml docs/gguf.md): header, key-value metadata, tensor infos, then the tensor data, each tensor aligned.
// No model file can be downloaded where the tests run, so they make one: ~0.5 MB, F32, a byte-level
// SentencePiece vocabulary (unk/bos/eos, the 256 `<0xXX>` byte tokens, `▁` and printable ASCII). Its answers
// are random text; under a grammar they are random schema-shaped JSON. It proves wiring, not judgement.
import { writeFileSync } from 'node:fs';

/** The model's shape; the defaults make a ~0.5 MB file that loads in about a second. */
export interface TinyModelShape {
  readonly embedding: number;
  readonly heads: number;
  readonly layers: number;
  readonly feedForward: number;
  readonly contextLength: number;
  /** Seed of the weights: the same seed gives the same file. */
  readonly seed: number;
}

const DEFAULT_SHAPE: TinyModelShape = {
  embedding: 64,
  heads: 4,
  layers: 2,
  feedForward: 128,
  contextLength: 8192,
  seed: 1,
};

// GGUF value types (gguf.md, enum gguf_metadata_value_type)
const T_UINT32 = 4;
const T_INT32 = 5;
const T_FLOAT32 = 6;
const T_STRING = 8;
const T_ARRAY = 9;
const GGML_F32 = 0;
const ALIGNMENT = 32;

// SentencePiece token types (llama.cpp: LLAMA_TOKEN_TYPE_*)
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

type Value =
  | { t: 'u32'; v: number }
  | { t: 'f32'; v: number }
  | { t: 'str'; v: string }
  | { t: 'strs'; v: readonly string[] }
  | { t: 'f32s'; v: readonly number[] }
  | { t: 'i32s'; v: readonly number[] };

/** Appends little-endian values to a growing list of chunks. */
class Writer {
  readonly chunks: Buffer[] = [];
  length = 0;
  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  bytes(b: Buffer): void {
    this.push(b);
  }
  pad(): void {
    const n = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT;
    if (n > 0) this.push(Buffer.alloc(n));
  }
}

function writeValue(w: Writer, value: Value): void {
  const arrays = { strs: T_STRING, f32s: T_FLOAT32, i32s: T_INT32 } as const;
  if (value.t === 'u32') {
    w.u32(T_UINT32);
    w.u32(value.v);
    return;
  }
  if (value.t === 'f32') {
    w.u32(T_FLOAT32);
    w.f32(value.v);
    return;
  }
  if (value.t === 'str') {
    w.u32(T_STRING);
    w.str(value.v);
    return;
  }
  w.u32(T_ARRAY);
  w.u32(arrays[value.t]);
  w.u64(value.v.length);
  for (const x of value.v) {
    if (value.t === 'strs') w.str(x as string);
    else if (value.t === 'f32s') w.f32(x as number);
    else w.i32(x as number);
  }
}

/** unk, bos, eos, the 256 byte tokens, `▁` (SentencePiece's space) and printable ASCII but the space. */
export function byteVocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [UNKNOWN, CONTROL, CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(BYTE);
  }
  tokens.push('▁');
  types.push(NORMAL);
  for (let c = 0x21; c <= 0x7e; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(NORMAL);
  }
  return { tokens, types, scores: tokens.map(() => 0) };
}

/** xorshift32 in [0,1): seedable and enough for random weights (the seed must not be 0). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

interface Tensor {
  readonly name: string;
  /** ggml order: the first dimension is the innermost. */
  readonly dims: readonly number[];
  readonly fill: 'ones' | 'random';
}

function tensors(s: TinyModelShape, vocab: number): Tensor[] {
  const e = s.embedding;
  const out: Tensor[] = [
    { name: 'token_embd.weight', dims: [e, vocab], fill: 'random' },
    { name: 'output_norm.weight', dims: [e], fill: 'ones' },
    { name: 'output.weight', dims: [e, vocab], fill: 'random' },
  ];
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}`;
    out.push(
      { name: `${b}.attn_norm.weight`, dims: [e], fill: 'ones' },
      { name: `${b}.attn_q.weight`, dims: [e, e], fill: 'random' },
      { name: `${b}.attn_k.weight`, dims: [e, e], fill: 'random' },
      { name: `${b}.attn_v.weight`, dims: [e, e], fill: 'random' },
      { name: `${b}.attn_output.weight`, dims: [e, e], fill: 'random' },
      { name: `${b}.ffn_norm.weight`, dims: [e], fill: 'ones' },
      { name: `${b}.ffn_gate.weight`, dims: [e, s.feedForward], fill: 'random' },
      { name: `${b}.ffn_up.weight`, dims: [e, s.feedForward], fill: 'random' },
      { name: `${b}.ffn_down.weight`, dims: [s.feedForward, e], fill: 'random' },
    );
  }
  return out;
}

function tensorData(t: Tensor, next: () => number): Buffer {
  const n = t.dims.reduce((a, b) => a * b, 1);
  const b = Buffer.alloc(n * 4);
  // small symmetric weights keep activations finite through the layers
  for (let i = 0; i < n; i++) b.writeFloatLE(t.fill === 'ones' ? 1 : (next() - 0.5) * 0.2, i * 4);
  return b;
}

/** The GGUF bytes of a tiny random llama model. */
export function tinyModel(shape: Partial<TinyModelShape> = {}): Buffer {
  const s = { ...DEFAULT_SHAPE, ...shape };
  const vocab = byteVocabulary();
  const meta: [string, Value][] = [
    ['general.architecture', { t: 'str', v: 'llama' }],
    ['general.name', { t: 'str', v: 'argus-tiny-random' }],
    ['general.alignment', { t: 'u32', v: ALIGNMENT }],
    ['llama.context_length', { t: 'u32', v: s.contextLength }],
    ['llama.embedding_length', { t: 'u32', v: s.embedding }],
    ['llama.block_count', { t: 'u32', v: s.layers }],
    ['llama.feed_forward_length', { t: 'u32', v: s.feedForward }],
    ['llama.attention.head_count', { t: 'u32', v: s.heads }],
    ['llama.attention.head_count_kv', { t: 'u32', v: s.heads }],
    ['llama.attention.layer_norm_rms_epsilon', { t: 'f32', v: 1e-5 }],
    ['llama.rope.dimension_count', { t: 'u32', v: s.embedding / s.heads }],
    ['tokenizer.ggml.model', { t: 'str', v: 'llama' }],
    ['tokenizer.ggml.tokens', { t: 'strs', v: vocab.tokens }],
    ['tokenizer.ggml.scores', { t: 'f32s', v: vocab.scores }],
    ['tokenizer.ggml.token_type', { t: 'i32s', v: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { t: 'u32', v: 0 }],
    ['tokenizer.ggml.bos_token_id', { t: 'u32', v: 1 }],
    ['tokenizer.ggml.eos_token_id', { t: 'u32', v: 2 }],
  ];
  const list = tensors(s, vocab.tokens.length);
  const next = random(s.seed);
  const data = list.map((t) => tensorData(t, next));

  const w = new Writer();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(list.length);
  w.u64(meta.length);
  for (const [k, v] of meta) {
    w.str(k);
    writeValue(w, v);
  }
  let offset = 0;
  for (const [i, t] of list.entries()) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offset);
    offset += Math.ceil(data[i]!.length / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  for (const d of data) {
    w.bytes(d);
    w.pad();
  }
  return Buffer.concat(w.chunks);
}

/** Writes {@link tinyModel} to `path` and returns the path. */
export function writeTinyModel(path: string, shape: Partial<TinyModelShape> = {}): string {
  writeFileSync(path, tinyModel(shape));
  return path;
}
