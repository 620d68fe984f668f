export { type RedisStateStore, type RedisStateStoreOptions, redisStateStore } from './redis-store.js';
