export { type MissingKey, TemplateExecError } from './exec.js';
export { formatFloat } from './float.js';
export { formatV, quote, sprint, sprintf, sprintln } from './fmt.js';
export {
  builtins,
  type FuncMap,
  goFunc,
  htmlEscape,
  jsEscape,
  type ParamType,
  queryEscape,
  type TemplateFunc,
} from './funcs.js';
export { SafeHTML } from './html.js';
export { TemplateParseError } from './parse.js';
export {
  ALERT_TEMPLATE_DEFS,
  AlertTemplateData,
  type AlertTemplateInput,
  compileAlertTemplate,
  createPrometheusTemplates,
  expandTemplate,
  expandTemplateAsync,
  type PrometheusFuncOptions,
  type PrometheusTemplateOptions,
  prometheusFuncs,
} from './prometheus.js';
export { parseDuration, type QueryFn, type QuerySample, Sample } from './prometheus-values.js';
export { createTemplates, type TemplateOptions, type Templates } from './template.js';
export { GoTime } from './time.js';
export { GO_TYPE, GoMap, isTrue, stringMap, typeName } from './values.js';
