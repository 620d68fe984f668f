// Tests import the kit through its public entry, as users do.

export { T0 as T0_FOR_TESTS } from '../src/contract/harness.js';
export * from '../src/index.js';
