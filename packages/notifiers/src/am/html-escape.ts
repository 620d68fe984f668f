// An approximation of Go's html/template for Alertmanager's HTML templates (email.tmpl): every action that prints
// gets an escaper appended by its context, as html/template's escaper rewrites pipelines: URL attributes (href,
// src) are normalised then attribute-escaped, other text is HTML-escaped; `safeHtml` values pass unescaped; HTML
// comments are dropped. Not reproduced: contexts inside <script>/<style>, URL scheme filtering, and the escaping of
// a template called from a URL attribute (it is escaped as text).
import { type FuncMap, goFunc, sprint } from '@argus/template';

/** A `safeHtml` value (Go's template.HTML): printed as is in HTML. */
export class SafeHtml {
  constructor(readonly html: string) {}
  String(): string {
    return this.html;
  }
}

const HTML: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};
const escapeHtml = (s: string): string => s.replace(/[\0"&'+<>]/g, (c) => HTML[c]!);

/** Go's urlNormalizer: percent-encodes (lower-case hex, as Go) what may not appear in a URL, keeping reserved characters. */
const normalizeUrl = (s: string): string =>
  s.replace(/[^A-Za-z0-9\-._~!#$&*+,/:;=?@[\]%]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
  );

const text = (v: unknown): string => (v instanceof SafeHtml ? v.html : sprint([v]));

/** The escaper functions the rewritten templates call, and `safeHtml` returning {@link SafeHtml}. */
export function htmlEscapers(): FuncMap {
  return {
    safeHtml: goFunc(['string'], (s: string) => new SafeHtml(s)),
    _argus_html_escaper: goFunc(['any'], (v: unknown) =>
      v instanceof SafeHtml ? v.html : escapeHtml(text(v)),
    ),
    _argus_url_escaper: goFunc(['any'], (v: unknown) => escapeHtml(normalizeUrl(text(v)))),
  };
}

const ACTION = /\{\{(-?)([\s\S]*?)(-?)\}\}/g;
const CONTROL = /^(if|else|end|range|with|define|template|block|break|continue)\b|^\/\*|^\$\w*\s*:?=/;

/** Whether the text before `at` (actions blanked) leaves us inside a `href="…"` or `src="…"` attribute value. */
function inUrlAttribute(blanked: string, at: number): boolean {
  const before = blanked.slice(0, at);
  const open = before.lastIndexOf('<');
  if (open < 0 || before.lastIndexOf('>') > open) return false;
  return /\s(href|src)\s*=\s*"[^"]*$/i.test(before.slice(open));
}

/** Rewrites a template text as html/template would see it: comments dropped, printing actions escaped. */
export function escapeTemplate(source: string): string {
  const src = source.replace(/<!--[\s\S]*?-->/g, '');
  const blanked = src.replace(ACTION, (m) => ' '.repeat(m.length));
  return src.replace(ACTION, (m, left: string, body: string, right: string, at: number) => {
    const inner = body.trim();
    if (inner === '' || CONTROL.test(inner)) return m;
    const esc = inUrlAttribute(blanked, at) ? '_argus_url_escaper' : '_argus_html_escaper';
    return `{{${left} ${inner} | ${esc} ${right}}}`;
  });
}
