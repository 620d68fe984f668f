/** Roles, after Grafana's RBAC: a role is a set of permissions, a route needs one permission. */
export type Role = 'viewer' | 'operator' | 'admin' | 'sender';

/** What a route needs: `public` needs nothing; the others are permissions held by roles. */
export type Access = 'public' | 'read' | 'operate' | 'admin' | 'send';

/** Every role. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin', 'sender'];

const GRANTS: Record<Role, ReadonlySet<Access>> = {
  viewer: new Set(['read']),
  operator: new Set(['read', 'operate']),
  admin: new Set(['read', 'operate', 'admin', 'send']),
  // machines that post alerts (Prometheus, amtool alert add) and nothing else
  sender: new Set(['send']),
};

/** Whether `role` may use a route needing `access`. */
export function allows(role: Role | undefined, access: Access): boolean {
  if (access === 'public') return true;
  return role !== undefined && GRANTS[role].has(access);
}
