import type { DashboardModel } from './build.js';
import { checkDashboard } from './validate.js';

/** Options of {@link provisioningFiles}. */
export interface ProvisioningOptions {
  /** Where Grafana will find the dashboard JSON files (inside its container). @default '/var/lib/grafana/dashboards/argus' */
  dashboardsPath?: string;
  /** The folder the dashboards appear in. @default { uid: 'argus', title: 'Argus' } */
  folder?: { uid: string; title: string };
  /** The data source the dashboards query, provisioned with a fixed uid. @default Argus's query API at http://argus:9090 */
  datasource?: { uid: string; name: string; url: string };
}

/** One file to write, relative to the output directory. */
export interface ProvisioningFile {
  readonly path: string;
  readonly content: string;
}

// JSON strings are valid YAML scalars: quoting every value this way needs no YAML library and escapes everything
const q = (s: string): string => JSON.stringify(s);

/**
 * Grafana file provisioning for generated dashboards: `dashboards/<uid>.json` (raw models), a dashboard provider
 * in `provisioning/dashboards/argus.yaml`, and the data source in `provisioning/datasources/argus.yaml`.
 * Mount `provisioning/` at `/etc/grafana/provisioning` and `dashboards/` at `dashboardsPath`.
 * Throws when a dashboard fails {@link checkDashboard}.
 */
export function provisioningFiles(
  dashboards: readonly DashboardModel[],
  o: ProvisioningOptions = {},
): ProvisioningFile[] {
  const path = o.dashboardsPath ?? '/var/lib/grafana/dashboards/argus';
  const folder = o.folder ?? { uid: 'argus', title: 'Argus' };
  const ds = o.datasource ?? { uid: 'argus', name: 'Argus', url: 'http://argus:9090' };
  const files: ProvisioningFile[] = [];
  for (const d of dashboards) {
    const problems = checkDashboard(d);
    if (problems.length > 0) throw new Error(`grafana: invalid dashboard: ${problems.join('; ')}`);
    // provisioned models carry no numeric id; the uid makes Grafana insert-or-update
    const { id: _id, ...model } = d as DashboardModel & { id?: unknown };
    files.push({ path: `dashboards/${d.uid}.json`, content: `${JSON.stringify(model, null, 2)}\n` });
  }
  files.push({
    path: 'provisioning/dashboards/argus.yaml',
    content: [
      'apiVersion: 1',
      'providers:',
      '  - name: argus',
      '    orgId: 1',
      `    folder: ${q(folder.title)}`,
      `    folderUid: ${q(folder.uid)}`,
      '    type: file',
      '    disableDeletion: false',
      '    updateIntervalSeconds: 30',
      '    allowUiUpdates: false',
      '    options:',
      `      path: ${q(path)}`,
      '      foldersFromFilesStructure: false',
      '',
    ].join('\n'),
  });
  files.push({
    path: 'provisioning/datasources/argus.yaml',
    content: [
      'apiVersion: 1',
      'datasources:',
      `  - name: ${q(ds.name)}`,
      '    type: prometheus',
      `    uid: ${q(ds.uid)}`,
      '    access: proxy',
      `    url: ${q(ds.url)}`,
      '    isDefault: false',
      '    editable: false',
      '    jsonData:',
      '      httpMethod: GET',
      '      timeInterval: 15s',
      '',
    ].join('\n'),
  });
  return files;
}
