import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMoney, formatLocale } from '../../i18n';

/** A month ("2026-03") as a short label in the UI language ("3月", "Mar"). */
function monthLabel(period: string): string {
  const [year, month] = period.split('-').map(Number);
  try {
    return new Intl.DateTimeFormat(formatLocale(), { month: 'short', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 15));
  } catch {
    return period;
  }
}

let measure: CanvasRenderingContext2D | null = null;
/** The width of the money axis: its ticks (10), the gap (5) and its widest label in uPlot's axis font, with a margin. */
function axisWidth(labels: readonly string[]): number {
  measure ??= document.createElement('canvas').getContext('2d');
  if (!measure) return 64;
  measure.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
  return Math.ceil(Math.max(24, ...labels.map((label) => measure!.measureText(label).width))) + 19;
}

/**
 * Twelve months of dues as bars (uPlot, loaded with the statistics page only): what was due as a wide light bar,
 * what was paid as a narrower dark one in front of it, so a month's gap shows at a glance. Fits its box and
 * follows it when the phone turns.
 */
export function DuesChart({ dues, labels }: { dues: ReadonlyArray<{ period: string; due: number; paid: number }>; labels: { due: string; paid: string; chart: string } }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const names = dues.map((d) => monthLabel(d.period));
    const data: uPlot.AlignedData = [dues.map((_, i) => i), dues.map((d) => d.due / 100), dues.map((d) => d.paid / 100)];
    const style = getComputedStyle(document.documentElement);
    const accent = style.getPropertyValue('--accent').trim() || '#b3261e';
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const chart = new uPlot(
      {
        width: width(),
        height: 220,
        scales: { x: { time: false, range: [-0.5, dues.length - 0.5] } },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        legend: { live: false },
        axes: [
          { space: 26, incrs: [1, 2, 3, 6], values: (_u, splits) => splits.map((i) => names[i] ?? '') },
          // As wide as its longest label ("CN¥150" in English), so none is cut at the left edge.
          { size: (_u, values) => axisWidth(values ?? []), values: (_u, splits) => splits.map((v) => formatMoney(v * 100).replace(/\.00$/, '')) },
        ],
        series: [
          {},
          { label: labels.due, fill: 'rgba(120,120,120,0.25)', stroke: 'rgba(120,120,120,0.6)', width: 1, paths: uPlot.paths.bars!({ size: [0.75, 60] }), points: { show: false } },
          { label: labels.paid, fill: accent, stroke: accent, width: 1, paths: uPlot.paths.bars!({ size: [0.4, 30] }), points: { show: false } },
        ],
      },
      data,
      el,
    );
    const resized = new ResizeObserver(() => chart.setSize({ width: width(), height: 220 }));
    resized.observe(el);
    return () => {
      resized.disconnect();
      chart.destroy();
    };
  }, [dues, labels.due]);
  return <div class="dues-chart" ref={box} role="img" aria-label={labels.chart} />;
}
