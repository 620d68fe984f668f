// Rendering and validating the Kubernetes overlays, shared by the checks of each overlay.
import { join } from 'node:path';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { deploy, have, run } from './tools.js';

/** The fields every rendered object has. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

// every kind the manifests may hold, with its validating model: an unknown kind fails the test
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Validates an object against its kind's OpenAPI schema; an unknown kind throws. */
export function validate(o: K8sObject): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}: add it to MODELS`);
  new Model(o as never).validate();
}

/** Whether kubectl (with its built-in kustomize) is here; in CI its absence fails. */
export const kubectl: boolean = have('kubectl');
/** Renders `deploy/k8s/overlays/<overlay>` with `kubectl kustomize`. */
export function render(overlay: string): K8sObject[] {
  const r = run('kubectl', ['kustomize', join(deploy, 'k8s', 'overlays', overlay)]);
  if (r.code !== 0) throw new Error(`kubectl kustomize ${overlay} failed: ${r.out}`);
  return parseAllDocuments(r.out).map((d) => d.toJSON() as K8sObject);
}
