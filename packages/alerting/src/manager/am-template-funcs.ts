// Alertmanager 0.25's template functions (template.DefaultFuncs) and its template files, shared by the config
// check (which parses `templates:` files as amtool check-config does) and @argus/notifiers (which renders them).
import { type FuncMap, goFunc, prometheusFuncs } from '@argus/template';

/** A user template file: its name (shown in errors) and text. */
export interface TemplateFile {
  readonly name: string;
  readonly text: string;
}

/** Go's cases.Title(language.AmericanEnglish): each word's first letter upper-cased, the rest lower-cased. */
function caseTitle(s: string): string {
  return s.replace(
    /[\p{L}\p{N}_]+(?:['.:][\p{L}\p{N}_]+)*/gu,
    (w) => (w[0] ?? '').toUpperCase() + w.slice(1).toLowerCase(),
  );
}

/** Alertmanager 0.25's template.DefaultFuncs. */
export function alertmanagerFuncs(): FuncMap {
  const p = prometheusFuncs();
  const pick = (name: string) => p[name] as FuncMap[string];
  return {
    toUpper: pick('toUpper'),
    toLower: pick('toLower'),
    title: goFunc(['string'], caseTitle),
    join: goFunc(['string', 'any'], (sep: string, xs: unknown) => {
      if (!Array.isArray(xs)) throw new Error(`wrong type for value; expected []string; got ${typeof xs}`);
      return xs.map(String).join(sep);
    }),
    match: pick('match'),
    safeHtml: pick('safeHtml'),
    reReplaceAll: pick('reReplaceAll'),
    stringSlice: goFunc([], (...xs: string[]) => xs, 'string'),
  };
}
