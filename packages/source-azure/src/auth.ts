import type { TokenCredential } from '@azure/core-auth';
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { z } from 'zod';

const guid = z.string().min(1);

/** Schema of the `auth` option shared by every Azure source: one credential kind, chosen by `type`. */
export const azureAuthSchema: z.ZodDefault<z.ZodType<AzureAuth, AzureAuth>> = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z
        .literal('default')
        .describe(
          'DefaultAzureCredential: environment, workload identity, managed identity, then developer logins',
        ),
      managedIdentityClientId: z
        .string()
        .optional()
        .describe('Client id of a user-assigned managed identity for the chain'),
    }),
    z.strictObject({
      type: z.literal('clientSecret').describe('A service principal with a client secret'),
      tenantId: guid.describe('Entra tenant id'),
      clientId: guid.describe('Application (client) id'),
      clientSecret: z.string().min(1).describe('Client secret; never logged'),
    }),
    z.strictObject({
      type: z
        .literal('managedIdentity')
        .describe('The managed identity of the VM, App Service, container, …'),
      clientId: z
        .string()
        .optional()
        .describe('Client id of a user-assigned identity; system-assigned when absent'),
    }),
    z.strictObject({
      type: z.literal('workloadIdentity').describe('Kubernetes workload identity (federated token file)'),
      tenantId: z.string().optional().describe('Tenant id; default AZURE_TENANT_ID'),
      clientId: z.string().optional().describe('Client id; default AZURE_CLIENT_ID'),
      tokenFilePath: z
        .string()
        .optional()
        .describe('Federated token file; default AZURE_FEDERATED_TOKEN_FILE'),
    }),
  ])
  .describe('How to authenticate to Azure; DefaultAzureCredential when absent')
  .default({ type: 'default' });

/** The `auth` option: which Entra ID credential an Azure source uses. */
export type AzureAuth =
  | { type: 'default'; managedIdentityClientId?: string }
  | { type: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { type: 'managedIdentity'; clientId?: string }
  | { type: 'workloadIdentity'; tenantId?: string; clientId?: string; tokenFilePath?: string };

/**
 * Builds the `@azure/identity` credential for an `auth` option. Does no I/O: tokens are fetched on first use.
 * @example createAzureCredential({ type: 'managedIdentity', clientId: '…' })
 */
export function createAzureCredential(auth: AzureAuth = { type: 'default' }): TokenCredential {
  switch (auth.type) {
    case 'default':
      return new DefaultAzureCredential(
        auth.managedIdentityClientId ? { managedIdentityClientId: auth.managedIdentityClientId } : {},
      );
    case 'clientSecret':
      return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret);
    case 'managedIdentity':
      return auth.clientId
        ? new ManagedIdentityCredential({ clientId: auth.clientId })
        : new ManagedIdentityCredential();
    case 'workloadIdentity':
      return new WorkloadIdentityCredential({
        ...(auth.tenantId ? { tenantId: auth.tenantId } : {}),
        ...(auth.clientId ? { clientId: auth.clientId } : {}),
        ...(auth.tokenFilePath ? { tokenFilePath: auth.tokenFilePath } : {}),
      });
  }
}

/** Describes an `auth` option for logs: its type and ids, never its secret. */
export function describeAuth(auth: AzureAuth): string {
  if (auth.type === 'clientSecret') return `clientSecret (tenant ${auth.tenantId}, client ${auth.clientId})`;
  if (auth.type === 'managedIdentity')
    return `managedIdentity${auth.clientId ? ` (client ${auth.clientId})` : ''}`;
  return auth.type;
}
