// The page a location hash names: `#/alerts`, `#/alerts/<fingerprint>`, `#/silences`, `#/series`, `#/analysis`, `#/health`.
// Kept DOM-free so it is unit-tested in node.

export type PageId = 'alerts' | 'alert' | 'silences' | 'series' | 'analysis' | 'health';

export interface Route {
  page: PageId;
  /** The alert's fingerprint on the detail page. */
  id?: string;
  /** The series page's selector, from `#/series?match=…` (links from an alert, shared links). */
  match?: string;
}

const SIMPLE = new Set<PageId>(['alerts', 'silences', 'series', 'analysis', 'health']);

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [head = '', id] = path.split('/');
  if (head === 'alerts' && id && /^[0-9a-f]{16}$/.test(id)) return { page: 'alert', id };
  const match = new URLSearchParams(query).get('match');
  if (head === 'series' && match) return { page: 'series', match };
  // `#/chart` was the series page's first address; old bookmarks still land there
  if (head === 'chart') return { page: 'series' };
  return SIMPLE.has(head as PageId) ? { page: head as PageId } : { page: 'alerts' };
}

export const alertHref = (fingerprint: string): string => `#/alerts/${fingerprint}`;

export const seriesHref = (match: string): string => `#/series?${new URLSearchParams({ match })}`;
