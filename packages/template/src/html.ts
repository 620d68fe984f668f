// Go's html/template escaping, as Prometheus's ExpandHTML uses it for console templates: the output of each
// action is escaped for the HTML context it lands in. Go computes the contexts statically over the parse
// tree; Argus follows them while executing, from the template text written so far (the same result for
// templates whose branches end in one context, which is all html/template accepts). Contexts supported:
// text between tags, quoted attribute values and quoted URL attributes (filter, normalizer, query
// escaper); an action anywhere else (tag or attribute names, unquoted values, comments, script/style,
// event-handler and style attributes) fails with an error naming the context, rather than being
// escaped wrongly. HTML comments in the template text are dropped, as html/template drops them.
import { GO_TYPE } from './values.js';

/** Go's html/template.HTML: markup from a trusted source, written as is in text (`safeHtml`'s result). */
export class SafeHTML {
  static {
    Object.defineProperty(SafeHTML.prototype, GO_TYPE, { value: 'template.HTML' });
  }
  constructor(readonly html: string) {}
  String(): string {
    return this.html;
  }
}

type State =
  | 'text'
  | 'tagName'
  | 'tag'
  | 'attrName'
  | 'afterAttrName'
  | 'beforeValue'
  | 'value'
  | 'comment'
  | 'raw';
type AttrKind = 'plain' | 'url' | 'js' | 'css';
type UrlPart = 'none' | 'preQuery' | 'query';

// elements whose content is not HTML text (Go: script, style, textarea, title)
const RAW_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);
// raw elements whose content is text without tags (RCDATA): Go escapes actions there as in text (rcdataEscaper)
const RCDATA_ELEMENTS = new Set(['textarea', 'title']);
// Go's attrTypeMap entries of type contentTypeURL
const URL_ATTRS = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);

function attrKind(rawName: string): AttrKind {
  let name = rawName.toLowerCase();
  if (name.startsWith('data-')) name = name.slice(5);
  else if (name.includes(':')) {
    if (name.startsWith('xmlns:')) return 'url';
    name = name.slice(name.indexOf(':') + 1);
  }
  if (name.startsWith('on')) return 'js';
  if (name === 'style') return 'css';
  if (URL_ATTRS.has(name) || name.includes('src') || name.includes('uri') || name.includes('url'))
    return 'url';
  return 'plain';
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';

/** The HTML context of the output written so far, advanced by each piece of template text. */
export class HtmlContext {
  private state: State = 'text';
  private tagName = '';
  private closing = false;
  private rawEnd = '';
  private attrName = '';
  private kind: AttrKind = 'plain';
  private quote = '';
  private urlPart: UrlPart = 'none';

  /**
   * Advances over template text (trusted: written as is) and returns what to write: the text without its HTML
   * comments, which html/template drops.
   */
  feed(text: string): string {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const comment = this.state === 'comment' || (this.state === 'text' && text.startsWith('<!--', i));
      const end = this.step(text, i);
      if (!comment) out += text.slice(i, end + 1);
      i = end;
    }
    return out;
  }

  private endTag(): void {
    const name = this.tagName.toLowerCase();
    if (!this.closing && RAW_ELEMENTS.has(name)) {
      this.state = 'raw';
      this.rawEnd = `</${name}`;
    } else this.state = 'text';
  }

  private startValue(quote: string): void {
    this.state = 'value';
    this.quote = quote;
    this.kind = attrKind(this.attrName);
    this.urlPart = 'none';
  }

  /** Handles text[i]; returns the index of the last character consumed. */
  private step(text: string, i: number): number {
    const c = text[i]!;
    switch (this.state) {
      case 'text':
        if (text.startsWith('<!--', i)) {
          this.state = 'comment';
          return i + 3;
        }
        if (c === '<' && /^\/?[a-zA-Z]/.test(text.slice(i + 1, i + 3))) {
          this.closing = text[i + 1] === '/';
          this.tagName = '';
          this.state = 'tagName';
          return this.closing ? i + 1 : i;
        }
        return i;
      case 'tagName':
        if (isSpace(c) || c === '/') this.state = 'tag';
        else if (c === '>') this.endTag();
        else this.tagName += c;
        return i;
      case 'tag':
      case 'afterAttrName':
        if (c === '>') this.endTag();
        else if (c === '=' && this.state === 'afterAttrName') this.state = 'beforeValue';
        else if (!isSpace(c) && c !== '/') {
          this.attrName = c;
          this.state = 'attrName';
        }
        return i;
      case 'attrName':
        if (c === '=') this.state = 'beforeValue';
        else if (c === '>') this.endTag();
        else if (isSpace(c)) this.state = 'afterAttrName';
        else this.attrName += c;
        return i;
      case 'beforeValue':
        if (c === '>') this.endTag();
        else if (c === '"' || c === "'") this.startValue(c);
        else if (!isSpace(c)) {
          this.startValue('');
          this.valueChar(c);
        }
        return i;
      case 'value':
        if (this.quote ? c === this.quote : isSpace(c)) this.state = 'tag';
        else if (!this.quote && c === '>') this.endTag();
        else this.valueChar(c);
        return i;
      case 'comment':
        if (text.startsWith('-->', i)) {
          this.state = 'text';
          return i + 2;
        }
        return i;
      case 'raw':
        if (text.slice(i, i + this.rawEnd.length).toLowerCase() === this.rawEnd) {
          this.closing = true;
          this.tagName = this.rawEnd.slice(2);
          this.state = 'tagName';
          return i + this.rawEnd.length - 1;
        }
        return i;
    }
  }

  private valueChar(c: string): void {
    if (this.kind !== 'url') return;
    if (c === '?' || c === '#') this.urlPart = 'query';
    else if (this.urlPart === 'none') this.urlPart = 'preQuery';
  }

  /**
   * Escapes an action's value for the current context (`null` and no value write nothing, as Go's
   * stringify skips untyped nil); returns an error text instead when the context is not supported.
   */
  escape(value: unknown, printed: () => string): { ok: true; text: string } | { ok: false; error: string } {
    const unsupported = (where: string) => ({
      ok: false as const,
      error: `html mode: an action ${where} is not escaped by Argus; put it in text or a quoted attribute value`,
    });
    if (this.state === 'value' && this.quote) {
      if (this.kind === 'js') return unsupported(`in the event handler attribute ${this.attrName}`);
      if (this.kind === 'css') return unsupported('in a style attribute');
    }
    const rcdata = this.state === 'raw' && RCDATA_ELEMENTS.has(this.rawEnd.slice(2));
    if (this.state !== 'text' && !rcdata && !(this.state === 'value' && this.quote)) {
      const where =
        this.state === 'comment'
          ? 'in an HTML comment'
          : this.state === 'raw'
            ? `in a <${this.rawEnd.slice(2)}> element`
            : this.state === 'value' || this.state === 'beforeValue'
              ? `in the unquoted value of attribute ${this.attrName}`
              : `inside the tag <${this.tagName}>`;
      return unsupported(where);
    }
    if (value === undefined || value === null) return { ok: true, text: '' };
    const safe = value instanceof SafeHTML;
    const s = safe ? value.html : typeof value === 'string' ? value : printed();
    if (this.state === 'text') return { ok: true, text: safe ? s : escapeHtml(s, true) };
    // Go's rcdataEscaper: trusted HTML keeps its entities, its tags are escaped
    if (rcdata) return { ok: true, text: escapeHtml(s, !safe) };
    if (this.kind === 'url') {
      const part = this.urlPart;
      this.urlPart = 'preQuery';
      const url =
        part === 'query' ? urlProcess(s, false) : urlProcess(part === 'none' ? urlFilter(s) : s, true);
      if (part === 'none' && url !== ZGOTMPLZ && /[?#]/.test(url)) this.urlPart = 'query';
      return { ok: true, text: escapeHtml(url, true) };
    }
    // Go's attrEscaper: trusted HTML loses its tags and keeps its entities
    return { ok: true, text: safe ? escapeHtml(stripTags(s), false) : escapeHtml(s, true) };
  }
}

const ZGOTMPLZ = '#ZgotmplZ';

/** Go's htmlEscaper (htmlReplacementTable); `amp: false` keeps `&` as htmlNormReplacementTable does. */
function escapeHtml(s: string, amp: boolean): string {
  return s.replace(/[\0"&'+<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case '&':
        return amp ? '&amp;' : '&';
      case "'":
        return '&#39;';
      case '+':
        return '&#43;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

/** Go's urlFilter: a URL with a scheme other than http, https or mailto becomes `#ZgotmplZ`. */
function urlFilter(s: string): string {
  const colon = s.indexOf(':');
  if (colon >= 0 && !s.slice(0, colon).includes('/')) {
    const scheme = s.slice(0, colon).toLowerCase();
    if (scheme !== 'http' && scheme !== 'https' && scheme !== 'mailto') return ZGOTMPLZ;
  }
  return s;
}

/**
 * Go's urlProcessor: with `norm`, percent-encodes what may not appear in a URL and keeps its structure
 * (reserved characters and existing escapes); without, escapes all but the unreserved characters.
 */
function urlProcess(s: string, norm: boolean): string {
  const bytes = Buffer.from(s, 'utf8');
  const hex = (k: number) => k < bytes.length && /[0-9a-fA-F]/.test(String.fromCharCode(bytes[k]!));
  let out = '';
  bytes.forEach((b, i) => {
    const c = String.fromCharCode(b);
    // quote and parens are escaped although RFC 3986 allows them, so the URL fits a single-quoted attribute
    const keep =
      /[A-Za-z0-9\-._~]/.test(c) ||
      (norm && '!#$&*+,/:;=?@[]'.includes(c)) ||
      // normalizing keeps escapes already there
      (norm && c === '%' && hex(i + 1) && hex(i + 2));
    out += keep ? c : `%${b.toString(16).padStart(2, '0')}`;
  });
  return out;
}

/** Markup without its tags and comments (html/template's stripTags, for trusted HTML in an attribute). */
function stripTags(s: string): string {
  return s.replace(/<!--[\s\S]*?-->/g, '').replace(/<\/?[a-zA-Z][^>]*>/g, '');
}
