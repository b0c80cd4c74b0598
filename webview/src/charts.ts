/**
 * Connections/s and bytes/s over time per real server, with uPlot (bundled; no CDN). The series follow the
 * real servers of the selected director; colours come from VS Code's chart theme variables.
 */
import uPlot from 'uplot';
import type { AlignedData, Options } from 'uplot';
import type { DirectorSnapshot, HistoryPoint, SeriesHistory } from '../../src/shared/statsProtocol';
import { HISTORY_LIMIT_IN_STATE } from '../../src/shared/statsProtocol';
import { bytesRate, compactNumber } from '../../src/shared/statsFormat';

const MAX_FRAMES = 300;
/** Series drawn per chart (the first real servers in the snapshot's order). */
export const CHART_SERIES = 24;
const PALETTE_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

interface Frame {
  t: number;
  values: Map<string, HistoryPoint>;
}

/** Bounded per-director history of frames (one per snapshot). */
export class ChartHistory {
  private readonly frames = new Map<string, Frame[]>();

  add(snapshot: DirectorSnapshot): void {
    const list = this.framesOf(snapshot.director);
    const t = snapshot.time / 1000;
    const values = new Map<string, HistoryPoint>();
    // Deltas of the totals when there are (fractional, exact); the kernel's integer estimator otherwise.
    for (const s of snapshot.services) for (const r of s.realServers) { const v = r.delta ?? r.rate; values.set(r.id, { t, cps: v.cps, bps: v.inBps + v.outBps }); }
    const prev = list[list.length - 1];
    if (prev && prev.t >= t) return;
    // A pause (hidden panel, back-off): an empty frame breaks the lines instead of bridging the gap.
    if (prev && t - prev.t > 10) list.push({ t: prev.t + 1, values: new Map() });
    list.push({ t, values });
    if (list.length > MAX_FRAMES) list.splice(0, list.length - MAX_FRAMES);
  }

  /** Replaces a director's history (from the extension or the saved state) when it has more. */
  load(director: string, series: readonly SeriesHistory[]): void {
    const byT = new Map<number, Frame>();
    for (const s of series) {
      for (const p of s.points) {
        let f = byT.get(p.t);
        if (!f) { f = { t: p.t, values: new Map() }; byT.set(p.t, f); }
        f.values.set(s.id, p);
      }
    }
    const frames = [...byT.values()].sort((a, b) => a.t - b.t).slice(-MAX_FRAMES);
    if (frames.length >= this.framesOf(director).length) this.frames.set(director, frames);
  }

  /** The history of the series `only` names (those on the charts), or of the first CHART_SERIES seen: the
   *  state is saved every second, and 1,000 real servers' history would be megabytes to serialise each time. */
  toState(director: string, only?: readonly string[]): SeriesHistory[] {
    const frames = this.framesOf(director).slice(-HISTORY_LIMIT_IN_STATE);
    let ids = only;
    if (!ids) {
      const seen = new Set<string>();
      for (const f of frames) for (const id of f.values.keys()) if (seen.size < CHART_SERIES) seen.add(id);
      ids = [...seen];
    }
    return ids.map((id) => ({ id, points: frames.flatMap((f) => { const p = f.values.get(id); return p ? [p] : []; }) }))
      .filter((s) => s.points.length > 0);
  }

  framesOf(director: string): Frame[] {
    let list = this.frames.get(director);
    if (!list) { list = []; this.frames.set(director, list); }
    return list;
  }
}

function palette(): string[] {
  const cs = getComputedStyle(document.body);
  return PALETTE_VARS.map((v, i) => cs.getPropertyValue(v).trim() || FALLBACK[i]);
}

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export interface SeriesInfo {
  id: string;
  label: string;
}

/** The series the charts draw for a snapshot: its first CHART_SERIES real servers. */
export function chartSeries(snapshot: DirectorSnapshot | undefined): SeriesInfo[] {
  const services = snapshot?.services ?? [];
  const multi = services.length > 1;
  const out: SeriesInfo[] = [];
  for (const s of services) {
    for (const r of s.realServers) {
      if (out.length === CHART_SERIES) return out;
      const name = r.host !== undefined ? `${r.host} · ${r.endpoint}` : r.endpoint;
      out.push({ id: r.id, label: multi ? `${s.label} → ${name}` : name });
    }
  }
  return out;
}

export class RateChart {
  private plot?: uPlot;
  private seriesKey = '';
  /** The plot area's width as the ResizeObserver last reported it (reading clientWidth on every update
   *  would force a layout in the middle of the snapshot handler); undefined until the first report. */
  private observedWidth?: number;
  private readonly host: HTMLDivElement;
  readonly element: HTMLElement;
  /** On screen (or nearly): an update is drawn only then, at the next animation frame (readings that come
   *  in the same frame make one drawing), outside the message handler; otherwise it is kept and drawn when
   *  the chart shows. Below a table of 1,000 rows, or on another tab, a chart costs nothing per reading. */
  private visible = false;
  private pending?: { frames: readonly Frame[]; series: readonly SeriesInfo[] };
  private frame = 0;

  constructor(title: string, private readonly field: 'cps' | 'bps') {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    const h = document.createElement('h3');
    h.textContent = title;
    this.host = document.createElement('div');
    this.host.className = 'chart-plot';
    this.element.append(h, this.host);
    new ResizeObserver((entries) => {
      this.observedWidth = Math.round(entries[entries.length - 1].contentRect.width);
      this.resize();
    }).observe(this.host);
    new IntersectionObserver((entries) => {
      this.visible = entries[entries.length - 1].isIntersecting;
      this.drawSoon();
    }, { rootMargin: '300px 0px' }).observe(this.element);
  }

  private width(): number {
    return this.observedWidth ?? this.host.clientWidth;
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.width()), height: 200 };
  }

  private resize(): void {
    if (this.plot) this.plot.setSize(this.size());
  }

  update(frames: readonly Frame[], series: readonly SeriesInfo[]): void {
    this.pending = { frames, series };
    this.drawSoon();
  }

  private drawSoon(): void {
    if (!this.visible || !this.pending || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const p = this.pending;
      if (!this.visible || !p) return;
      this.pending = undefined;
      this.draw(p.frames, p.series);
    });
  }

  private draw(frames: readonly Frame[], series: readonly SeriesInfo[]): void {
    const data: AlignedData = [
      frames.map((f) => f.t),
      ...series.map((s) => frames.map((f) => f.values.get(s.id)?.[this.field] ?? null)),
    ];
    const key = series.map((s) => s.id).join('\n');
    const width = this.width();
    if (!this.plot || key !== this.seriesKey || width === 0) {
      this.plot?.destroy();
      this.seriesKey = key;
      if (width === 0 && this.plot === undefined && frames.length === 0) return;
      this.plot = new uPlot(this.options(series), data, this.host);
      return;
    }
    this.plot.setData(data);
  }

  private options(series: readonly SeriesInfo[]): Options {
    const colors = palette();
    const fg = themeColor('--vscode-descriptionForeground', '#999');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
    const fmt = this.field === 'bps' ? bytesRate : (n: number) => `${compactNumber(n)}/s`;
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      ...this.size(),
      title: undefined,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
      axes: [
        { ...axis },
        { ...axis, size: 70, values: (_u, ticks) => ticks.map((v) => fmt(v)) },
      ],
      series: [
        { label: 'Time', value: '{HH}:{mm}:{ss}' },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: colors[i % colors.length],
          width: 2,
          fill: `${colors[i % colors.length]}22`,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
          spanGaps: false,
        })),
      ],
    };
  }
}
