// Alertmanager's `templates:` files for an alertmanager.yml (the globs are read by @argus/alerting, which the
// config check shares).
import { dirname, resolve } from 'node:path';
import { glob, loadTemplateFiles } from '@argus/alerting';
import { parse as parseYaml } from 'yaml';
import { type AmTemplates, amTemplates } from './templates.js';

export { glob, loadTemplateFiles };

/**
 * Alertmanager's template set for an alertmanager.yml: its `templates:` globs read relative to the config file's
 * directory, on top of Alertmanager's defaults. Pass the result to `createNotifierIntegrations({ templates })`.
 * @example
 * const text = readFileSync('/etc/alertmanager/alertmanager.yml', 'utf8');
 * const templates = templatesForConfig(text, '/etc/alertmanager/alertmanager.yml');
 */
export function templatesForConfig(text: string, configPath: string): AmTemplates {
  const doc = (parseYaml(text) ?? {}) as { templates?: unknown };
  const globs = Array.isArray(doc.templates) ? doc.templates.map(String) : [];
  return amTemplates(loadTemplateFiles(globs, dirname(resolve(configPath))));
}
