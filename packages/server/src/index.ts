export type { ArgusApiHandle } from './app.js';
export { argusApi, argusHandler, createArgusServer, DEFAULT_BODY_LIMIT } from './app.js';
export type { AuditAction, AuditEntry, AuditQuery } from './audit.js';
export type { Access, Role } from './auth/roles.js';
export { allows, ROLES } from './auth/roles.js';
export type { Principal, RouteRule } from './context.js';
export type { ArgusServerOptions } from './options.js';
export { serverOptionsSchema } from './options.js';
