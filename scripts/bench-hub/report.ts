/**
 * What `npm run bench:hub` prints and writes: the table (bare, bare + adapter, kitestring,
 * kitestring ÷ bare, the target and whether it held), the integrity and validity lines, the JSON, and an
 * SVG of delivery latency (p50 and p99) against offered load for every target.
 */
import type { TargetName } from './config';
import type { ChatSummary } from './gens';
import type { PhaseResults } from './phases';

export interface TargetRun {
  readyMs: number;
  phases: PhaseResults;
}

export interface Row {
  figure: string;
  unit: string;
  values: Partial<Record<TargetName, number>>;
  /** kitestring ÷ bare must be ≤ (lower is better) or ≥ (higher is better) this; absent: no target. */
  target?: { op: '≤' | '≥'; ratio: number };
  digits: number;
  /** Targets whose figure is suspect: the generator was CPU-bound or fell behind its schedule. */
  suspect?: TargetName[];
}

/** Send lag (p99) beyond which the offered load was not really offered on schedule. */
export const LAG_LIMIT_MS = 50;

const at = (runs: Partial<Record<TargetName, TargetRun>>, pick: (r: TargetRun) => number | undefined): Partial<Record<TargetName, number>> => {
  const out: Partial<Record<TargetName, number>> = {};
  for (const [name, run] of Object.entries(runs) as Array<[TargetName, TargetRun]>) {
    const value = pick(run);
    if (value !== undefined) out[name] = value;
  }
  return out;
};

export function buildRows(runs: Partial<Record<TargetName, TargetRun>>, labels: { small: string; large: string; offered: string; connects: string; idle: string; signup: string }, tableRate: number, offeredRate: number): Row[] {
  const large = (r: TargetRun, rate: number) => r.phases.large.find((c) => c.rate === rate);
  const suspect = (pick: (r: TargetRun) => ChatSummary | undefined) =>
    (Object.entries(runs) as Array<[TargetName, TargetRun]>).filter(([, r]) => {
      const c = pick(r);
      return c !== undefined && (c.sendLagP99 > LAG_LIMIT_MS || c.generatorCpu >= 0.9);
    }).map(([name]) => name);
  const rows: Row[] = [
    { figure: `${labels.small}: delivery p50`, unit: 'ms', values: at(runs, (r) => r.phases.small?.p50), digits: 1 },
    { figure: `${labels.small}: delivery p99`, unit: 'ms', values: at(runs, (r) => r.phases.small?.p99), target: { op: '≤', ratio: 1.5 }, digits: 1 },
    { figure: 'same: server CPU per delivery', unit: 'µs', values: at(runs, (r) => r.phases.small?.cpuPerDeliveryUs), target: { op: '≤', ratio: 1.5 }, digits: 1 },
    { figure: `${labels.large}: delivery p50`, unit: 'ms', values: at(runs, (r) => large(r, tableRate)?.p50), target: { op: '≤', ratio: 1.5 }, digits: 1 },
    { figure: `${labels.large}: delivery p99`, unit: 'ms', values: at(runs, (r) => large(r, tableRate)?.p99), target: { op: '≤', ratio: 1.5 }, digits: 1 },
    { figure: `${labels.offered}: deliveries/s`, unit: '/s', values: at(runs, (r) => large(r, offeredRate)?.deliveriesInWindowPerSecond), target: { op: '≥', ratio: 0.9 }, digits: 0 },
    { figure: 'same: delivery p99', unit: 'ms', values: at(runs, (r) => large(r, offeredRate)?.p99), digits: 1 },
    { figure: `${labels.connects}: connects/s`, unit: '/s', values: at(runs, (r) => r.phases.connects?.perSecond), target: { op: '≥', ratio: 0.6 }, digits: 0 },
    { figure: 'server CPU per connect', unit: 'ms', values: at(runs, (r) => r.phases.connects?.cpuPerConnectMs), target: { op: '≤', ratio: 2 }, digits: 2 },
    { figure: `${labels.idle}: RSS per socket`, unit: 'KB', values: at(runs, (r) => (r.phases.idle ? r.phases.idle.bytesPerSocket / 1024 : undefined)), target: { op: '≤', ratio: 1.5 }, digits: 1 },
    { figure: `${labels.signup}: all acks`, unit: 'ms', values: at(runs, (r) => r.phases.signup?.allAcksMs), target: { op: '≤', ratio: 2 }, digits: 0 },
    { figure: 'process start → ready (GET /healthz 200)', unit: 'ms', values: at(runs, (r) => r.readyMs), digits: 0 },
    { figure: 'server CPU while idle, nothing connected', unit: 'ms/s', values: at(runs, (r) => r.phases.idleCpuMsPerSecond), digits: 1 },
  ];
  rows.slice(0, 3).forEach((row) => (row.suspect = suspect((r) => r.phases.small)));
  rows.slice(3, 5).forEach((row) => (row.suspect = suspect((r) => large(r, tableRate))));
  rows.slice(5, 7).forEach((row) => (row.suspect = suspect((r) => large(r, offeredRate))));
  return rows;
}

export function ratioOf(row: Row): number | undefined {
  const { kitestring, bare } = row.values;
  return kitestring !== undefined && bare !== undefined && bare > 0 ? kitestring / bare : undefined;
}

export function verdict(row: Row): 'held' | 'missed' | 'disturbed' | '' {
  const ratio = ratioOf(row);
  if (!row.target || ratio === undefined || !Number.isFinite(ratio)) return '';
  if (row.suspect?.includes('bare') || row.suspect?.includes('kitestring')) return 'disturbed';
  return (row.target.op === '≤' ? ratio <= row.target.ratio : ratio >= row.target.ratio) ? 'held' : 'missed';
}

const num = (value: number | undefined, digits: number) =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatTable(rows: Row[]): string {
  const header = ['figure', 'bare', 'bare+adapter', 'kitestring', 'ks ÷ bare', 'target', ''];
  const lines = rows.map((row) => {
    const ratio = ratioOf(row);
    const cell = (name: TargetName) => `${num(row.values[name], row.digits)} ${row.unit}${row.suspect?.includes(name) ? '*' : ' '}`;
    return [
      row.figure,
      cell('bare'),
      cell('bare+adapter'),
      cell('kitestring'),
      ratio === undefined ? '–' : `${ratio.toFixed(2)}×`,
      row.target ? `${row.target.op} ${row.target.ratio}×` : '',
      verdict(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [render(header), widths.map((w) => '─'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

export function integrityLines(name: string, phases: Array<[string, ChatSummary | undefined]>): string[] {
  return phases.flatMap(([label, c]) => {
    if (!c) return [];
    const bad = c.lost || c.duplicated || c.outOfOrder || c.ackErrors || c.disconnects || c.gaps;
    return [`  ${name.padEnd(13)} ${label.padEnd(22)} sent ${c.sent}, deliveries owed ${c.deliveriesExpected}: lost ${c.lost}, duplicated ${c.duplicated}, ` +
      `out of order ${c.outOfOrder}, seq gaps ${c.gaps}, ack errors ${c.ackErrors}, disconnects ${c.disconnects}${bad ? '  ← CHECK' : ''}` +
      (c.ackErrorSamples.length ? ` (${c.ackErrorSamples[0]})` : '')];
  });
}

// ── SVG ─────────────────────────────────────────────────────────────────────────────────────────────
const COLORS: Record<TargetName, string> = { bare: '#1f77b4', 'bare+adapter': '#7b5ea7', kitestring: '#d95f02' };

export function latencySvg(curves: Partial<Record<TargetName, ChatSummary[]>>, title: string): string {
  const W = 760;
  const H = 440;
  const m = { left: 70, right: 190, top: 48, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const points = Object.values(curves).flat().filter((c): c is ChatSummary => !!c);
  const values = points.flatMap((c) => [c.p50, c.p99]).filter((v) => Number.isFinite(v) && v > 0);
  const rates = [...new Set(points.map((c) => c.rate))].sort((a, b) => a - b);
  if (values.length === 0 || rates.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">no data</text></svg>`;
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const top = hi === lo ? hi + 1 : hi;
  const xMax = rates[rates.length - 1] * 1.05;
  const x = (rate: number) => m.left + (rate / xMax) * pw;
  const y = (ms: number) => m.top + ph - ((Math.log10(ms) - lo) / (top - lo)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${m.left}" y="24" font-size="15" font-weight="600">${escapeXml(title)}</text>`);
  for (let d = lo; d <= top; d++) {
    for (const f of [1, 2, 5]) {
      const v = f * 10 ** d;
      if (Math.log10(v) > top) continue;
      const yy = y(v).toFixed(1);
      out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${yy}" y2="${yy}" stroke="${f === 1 ? '#ccc' : '#eee'}"/>`);
      if (f === 1 || top - lo <= 2) out.push(`<text x="${m.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${v >= 1 ? v : v.toPrecision(1)}</text>`);
    }
  }
  for (const r of rates) {
    out.push(`<line x1="${x(r).toFixed(1)}" x2="${x(r).toFixed(1)}" y1="${m.top}" y2="${m.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${x(r).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle">${r}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle">offered load, messages/s</text>`);
  out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">delivery latency, ms (log)</text>`);
  let legendY = m.top + 6;
  for (const [name, list] of Object.entries(curves) as Array<[TargetName, ChatSummary[]]>) {
    if (!list?.length) continue;
    const sorted = [...list].sort((a, b) => a.rate - b.rate);
    for (const [key, dash] of [['p50', ''], ['p99', ' stroke-dasharray="6 4"']] as const) {
      const pts = sorted.filter((c) => Number.isFinite(c[key]) && c[key] > 0).map((c) => `${x(c.rate).toFixed(1)},${y(c[key]).toFixed(1)}`);
      out.push(`<polyline fill="none" stroke="${COLORS[name]}" stroke-width="2"${dash} points="${pts.join(' ')}"/>`);
      for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${COLORS[name]}"/>`);
      out.push(`<line x1="${W - m.right + 16}" x2="${W - m.right + 46}" y1="${legendY}" y2="${legendY}" stroke="${COLORS[name]}" stroke-width="2"${dash}/>`);
      out.push(`<text x="${W - m.right + 52}" y="${legendY}" dominant-baseline="middle">${escapeXml(name)} ${key}</text>`);
      legendY += 20;
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
