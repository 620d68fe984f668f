import { z } from 'zod';
import { ROLES, type Role } from './roles.js';

/** OIDC login (authorization code with PKCE) through an identity provider. */
export interface OidcOptions {
  /** The provider's issuer URL (its discovery document is at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** For confidential clients; read it from env or a file, it is never shown. */
  clientSecret?: string;
  /** This server's callback, as registered at the provider: `https://argus.example/api/oidc/callback`. */
  redirectUri: string;
  /** The claim holding the user's groups or roles. @default 'groups' */
  roleClaim?: string;
  /** Claim value → Argus role; the strongest matching role wins; a user with none is refused. */
  roles: Record<string, Role>;
  /** @default 'openid profile email' */
  scope?: string;
}

/** Runtime check of {@link OidcOptions}. */
export const oidcOptionsSchema: z.ZodType<OidcOptions> = z
  .object({
    issuer: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    redirectUri: z.url(),
    roleClaim: z.string().min(1).optional(),
    roles: z.record(z.string(), z.enum(ROLES as [Role, ...Role[]])),
    scope: z.string().optional(),
  })
  .strict();
