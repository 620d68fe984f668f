// Test and benchmark helper (private, never published): a tiny generated model served by a real inference
// engine behind the Ollama API, so the detector's wiring is proven end to end without Ollama or a download.
export type { Bias } from './engine.js';
export { byteVocabulary, type TinyModelShape, tinyModel, writeTinyModel } from './gguf.js';
export { type OllamaStandin, type StandinOptions, startOllamaStandin } from './standin.js';
