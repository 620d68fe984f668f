// Export of what the series page shows, as CSV (one row per sample, long format: spreadsheets and pandas read it
// as is) and JSON (the server's answer unchanged). DOM-free except `download`.
import { type SeriesAnswer, seriesName } from './series.js';

const CSV_HEADER = ['series', 'time_utc', 'timestamp_ms', 'value', 'score', 'expected', 'lower', 'upper'];

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
function field(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV file: the header, then one line per row, CRLF line ends (RFC 4180). */
export function csvText(
  header: readonly string[],
  rows: readonly (string | number | null | undefined)[][],
): string {
  const lines = [header.join(','), ...rows.map((r) => r.map((v) => field(v ?? null)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function toCsv(answer: SeriesAnswer): string {
  const rows: (string | number | null | undefined)[][] = [];
  for (const s of answer.series) {
    const name = seriesName(s.labels);
    s.timestamps.forEach((t, i) => {
      rows.push([
        name,
        new Date(t).toISOString(),
        t,
        s.values[i],
        s.score[i],
        s.expected[i],
        s.lower[i],
        s.upper[i],
      ]);
    });
  }
  return csvText(CSV_HEADER, rows);
}

export const toJson = (answer: SeriesAnswer): string => `${JSON.stringify(answer, null, 2)}\n`;

/** A file name for the shown range: `argus-series-20261207T0900Z-20261207T1000Z.csv`. */
export const exportName = (answer: SeriesAnswer, ext: 'csv' | 'json' | 'png'): string =>
  rangeFileName('series', answer.from, answer.to, ext);

/** `argus-<what>-20261207T0900Z-20261207T1000Z.<ext>`: what was exported, over which range (UTC, minutes). */
export function rangeFileName(what: string, from: number, to: number, ext: string): string {
  const stamp = (t: number) => new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `argus-${what}-${stamp(from)}Z-${stamp(to)}Z.${ext}`;
}

/** Saves text (or a blob) as a file through the browser (a blob link the user's click follows). */
export function download(name: string, type: string, body: string | Blob): void {
  const url = URL.createObjectURL(typeof body === 'string' ? new Blob([body], { type }) : body);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // revoked later, not at once: the download reads the blob after this click returns
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Saves a chart's canvas as a PNG, at its pixel size, over the page's background colour: uPlot's canvas is
 * transparent, and a transparent PNG shows dark axes on black in a dark image viewer.
 */
export function downloadPng(name: string, canvas: HTMLCanvasElement): void {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const g = out.getContext('2d')!;
  g.fillStyle = getComputedStyle(document.body).backgroundColor || '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  out.toBlob((blob) => blob && download(name, 'image/png', blob), 'image/png');
}
