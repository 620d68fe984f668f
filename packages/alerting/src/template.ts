import type { Labels } from '@argus/core';
import { compileAlertTemplate, formatFloat, type QueryFn } from '@argus/template';

/** What a template sees: the series labels and the value of the evaluation. */
export interface TemplateData {
  readonly labels: Labels;
  readonly value: number;
}

/**
 * A compiled template: called, it renders synchronously; `renderAsync` renders with a `query` that answers with a
 * Promise (the in-process engine, a Prometheus server), at `time` (`query` runs at it; default now).
 */
export type Template = ((data: TemplateData) => string) & {
  readonly renderAsync: (data: TemplateData, time?: Date) => Promise<string>;
};

/** Options of {@link compileTemplate}: what Prometheus gives its alert templates beyond labels and value. */
export interface CompileTemplateOptions {
  /** The rule's name: errors name the template `__alert_<rule>`, as Prometheus does. */
  readonly ruleName?: string;
  /** `$externalLabels` / `.ExternalLabels`. */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** `$externalURL`, `externalURL`, `pathPrefix`. */
  readonly externalURL?: string;
  /**
   * Answers `query "…"` (synchronously for the plain call, or with a Promise for `renderAsync`); without it a
   * template calling `query` renders Prometheus's error text.
   */
  readonly query?: QueryFn;
}

/**
 * Compiles a rule's annotation or label template with Go's text/template, as Prometheus renders alert templates
 * (`@argus/template`): `$labels`, `$value`, `$externalLabels`, `$externalURL`, `.Labels`, `.Value`, pipelines,
 * `if`/`range`/`with`/`define`, Go's builtins and Prometheus's functions (`humanize`, `printf`, `reReplaceAll`, …).
 * A template that does not parse is refused here, naming `where`; one that fails while rendering renders
 * Prometheus's `<error expanding template: …>` text instead, as Prometheus does.
 */
export function compileTemplate(src: string, where: string, options: CompileTemplateOptions = {}): Template {
  const { ruleName = 'rule', externalLabels, externalURL, query } = options;
  let tpl: ReturnType<typeof compileAlertTemplate>;
  try {
    tpl = compileAlertTemplate(src, ruleName, {
      ...(externalURL === undefined ? {} : { externalURL }),
      ...(query ? { query } : {}),
    });
  } catch (e) {
    throw new SyntaxError(
      `${where}: template ${JSON.stringify(src)} does not parse as a Go template: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const input = (d: TemplateData) => ({
    labels: d.labels,
    value: d.value,
    ...(externalLabels ? { externalLabels } : {}),
    ...(externalURL === undefined ? {} : { externalURL }),
  });
  return Object.assign((d: TemplateData) => tpl.render(input(d)), {
    renderAsync: (d: TemplateData, time?: Date) => tpl.renderAsync(input(d), time),
  });
}

/** Formats a value as Go's fmt `%v` prints a float64 (what `{{ $value }}` prints): `1e+06`, `0.1`, `3`. */
export function formatValue(v: number): string {
  return formatFloat(v, 'g', -1);
}
