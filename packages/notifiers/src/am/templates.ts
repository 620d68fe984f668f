// Alertmanager 0.25's template set (template.FromGlobs): its functions, default.tmpl and email.tmpl, then the
// user's `templates:` files, all rendered by @argus/template with missingkey=zero as Alertmanager does.
import { alertmanagerFuncs, type Notification, type TemplateFile } from '@argus/alerting';
import { createTemplates, type FuncMap, type Templates } from '@argus/template';
import { TemplateData } from './data.js';
import { DEFAULT_TMPL, EMAIL_TMPL } from './default-templates.js';
import { escapeTemplate, htmlEscapers } from './html-escape.js';

export { alertmanagerFuncs, type TemplateFile };

/** Renders Alertmanager notification templates (`{{ template "slack.default.title" . }}`) for a notification. */
export interface AmTemplates {
  /** Renders `text` with the notification's data as dot (ExecuteTextString); throws the engine's Go-style error. */
  text(text: string, n: Notification | TemplateData): string;
  /**
   * Renders `text` for an HTML body (ExecuteHTMLString), approximating Go's html/template: comments dropped,
   * printed values HTML-escaped (URL-normalised in href/src), `safeHtml` passed through. @experimental
   */
  html(text: string, n: Notification | TemplateData): string;
}

/**
 * Alertmanager's template set: default.tmpl and email.tmpl, then `files` in order (a later `define` replaces an
 * earlier one, as in Alertmanager). Throws the engine's parse error naming the file on a bad template.
 * @example amTemplates().text('{{ template "slack.default.title" . }}', notification) // '[FIRING:1] HighCPU …'
 */
export function amTemplates(files: readonly TemplateFile[] = []): AmTemplates {
  const all = [
    { name: 'default.tmpl', text: DEFAULT_TMPL },
    { name: 'email.tmpl', text: EMAIL_TMPL },
    ...files,
  ];
  const textSet = templateSet(all, (t) => t, {});
  let htmlSet: Templates | undefined;
  const render = (set: Templates, text: string, n: Notification | TemplateData): string => {
    if (text === '') return '';
    const data = n instanceof TemplateData ? n : new TemplateData(n);
    return withText(set, text).execute('', data);
  };
  return {
    text: (text, n) => render(textSet, text, n),
    html: (text, n) => {
      htmlSet ??= templateSet(all, escapeTemplate, htmlEscapers());
      return render(htmlSet, escapeTemplate(text), n);
    },
  };
}

function templateSet(
  files: readonly TemplateFile[],
  prepare: (t: string) => string,
  funcs: FuncMap,
): Templates {
  const set = createTemplates({ funcs: { ...alertmanagerFuncs(), ...funcs }, missingKey: 'zero' });
  for (const f of files) set.parse(f.name, prepare(f.text));
  return set;
}

/** A clone of `set` with `text` parsed as the unnamed template, as ExecuteTextString does. */
function withText(set: Templates, text: string): Templates {
  return set.clone().parse('', text);
}

let defaults: AmTemplates | undefined;

/** The shared set with only Alertmanager's own templates (parsed once). */
export function defaultAmTemplates(): AmTemplates {
  defaults ??= amTemplates();
  return defaults;
}
