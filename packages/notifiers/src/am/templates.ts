// Alertmanager 0.25's template set (template.FromGlobs): its functions, default.tmpl and email.tmpl, then the
// user's `templates:` files, all rendered by @argus/template with missingkey=zero as Alertmanager does.
import { alertmanagerFuncs, type Notification, type TemplateFile } from '@argus/alerting';
import { createTemplates, goFunc, SafeHTML, type Templates } from '@argus/template';
import { TemplateData } from './data.js';
import { DEFAULT_TMPL, EMAIL_TMPL } from './default-templates.js';

export { alertmanagerFuncs, type TemplateFile };

/** Renders Alertmanager notification templates (`{{ template "slack.default.title" . }}`) for a notification. */
export interface AmTemplates {
  /** Renders `text` with the notification's data as dot (ExecuteTextString); throws the engine's Go-style error. */
  text(text: string, n: Notification | TemplateData): string;
  /**
   * Renders `text` for an HTML body (ExecuteHTMLString) with the engine's html/template mode: comments dropped,
   * printed values escaped for their HTML context (text, quoted attributes, URL attributes), `safeHtml` passed
   * through; an action in a context the engine does not escape (script, style) throws. @experimental
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
  const textSet = templateSet(all, false);
  let htmlSet: Templates | undefined;
  const render = (set: Templates, text: string, n: Notification | TemplateData): string => {
    if (text === '') return '';
    const data = n instanceof TemplateData ? n : new TemplateData(n);
    return withText(set, text).execute('', data);
  };
  return {
    text: (text, n) => render(textSet, text, n),
    html: (text, n) => {
      htmlSet ??= templateSet(all, true);
      return render(htmlSet, text, n);
    },
  };
}

/**
 * The files parsed into one set. `html`: the engine's html/template mode (ExecuteHTMLString), where each printed
 * value is escaped for its HTML context and `safeHtml` gives trusted markup.
 */
function templateSet(files: readonly TemplateFile[], html: boolean): Templates {
  const funcs = html
    ? { ...alertmanagerFuncs(), safeHtml: goFunc(['string'], (s: string) => new SafeHTML(s)) }
    : alertmanagerFuncs();
  const set = createTemplates({ funcs, missingKey: 'zero', html });
  for (const f of files) set.parse(f.name, f.text);
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
