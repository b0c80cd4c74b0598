/**
 * The statistics panel (one per cluster): header with the directors' state and last update, pause/resume,
 * an unreachable banner with retry, KPI tiles, the services table, rate charts per real server, the share
 * of traffic against the weights, and the connection table on demand. Messages: src/shared/statsProtocol.ts.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type {
  ConnectionsPage, DirectorSnapshot, DirectorStatus, HostToWebviewMessage, ShareRow, SortKey, StatsTab, WebviewState,
} from '../../src/shared/statsProtocol';
import { DEFAULT_CONNECTIONS_PAGE_SIZE } from '../../src/shared/statsProtocol';
import { bytesRate, compactNumber, percent } from '../../src/shared/statsFormat';
import { ChartHistory, RateChart, chartSeries } from './charts';
import { StatsTable } from './statsTable';
import { connectHost } from './vscodeApi';
import type { Host } from './vscodeApi';

const TABS: StatsTab[] = ['services', 'share', 'connections'];
/** A share card's height without its rows, and a row's (styles.css), for the cards not rendered yet. */
const SHARE_CARD_PX = 76;
const SHARE_ROW_PX = 22;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** toLocaleTimeString()'s format, built once (toLocaleTimeString builds one per call). */
const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric' });

function time(ms: number | undefined): string {
  return ms === undefined ? 'never' : TIME.format(ms);
}

/** Sets an element's text only when it differs (a write, even of the same text, re-lays out its box). */
function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

interface ChipView {
  chip: HTMLButtonElement;
  state: HTMLElement;
  updated: HTMLElement;
}

interface ShareRowView {
  row: HTMLElement;
  weight: HTMLElement;
  expected: HTMLElement;
  observed: HTMLElement;
  observedText: HTMLElement;
  expectedText: HTMLElement;
  /** The bars' widths as last written (style.width reads back normalised: "10%" for "10.00%"). */
  widths: [string, string];
}

interface ShareCardView {
  card: HTMLElement;
  title: HTMLElement;
  sub: HTMLElement;
  rows: Map<string, ShareRowView>;
}

export class StatsApp {
  private state: WebviewState;
  private directors: string[] = [];
  private readonly snapshots = new Map<string, DirectorSnapshot>();
  private readonly statuses = new Map<string, DirectorStatus>();
  private readonly history = new ChartHistory();
  private paused = false;
  private saveTimer?: number;

  private readonly title = el('h1', 'title', 'LVS statistics');
  private readonly directorBar = el('div', 'directors');
  private readonly pauseButton = document.createElement('vscode-button');
  private readonly banner = el('div', 'banner');
  private readonly bannerText = el('span', 'banner-text');
  private readonly retryButton = document.createElement('vscode-button');
  private readonly kpis = el('div', 'kpis');
  private kpiValues: HTMLElement[] = [];
  private readonly chips = new Map<string, ChipView>();
  private readonly shareCards = new Map<string, ShareCardView>();
  private readonly shareEmpty = el('section', 'share-card', 'No virtual services.');
  readonly table: StatsTable;
  private readonly cpsChart = new RateChart('New connections per second, per real server', 'cps');
  private readonly bpsChart = new RateChart('Bytes per second (in + out), per real server', 'bps');
  private readonly shareBox = el('div', 'share');
  private readonly empty = el('div', 'empty', 'Waiting for the first reading…');
  private readonly tabs = document.createElement('vscode-tabs');
  private readonly conn = {
    filter: document.createElement('vscode-textfield'),
    load: document.createElement('vscode-button'),
    prev: document.createElement('vscode-button'),
    next: document.createElement('vscode-button'),
    info: el('span', 'conn-info', 'The connection table is read only on demand (ipvsadm -Lnc).'),
    body: el('tbody'),
    page: undefined as ConnectionsPage | undefined,
  };

  constructor(private readonly host: Host, root: HTMLElement) {
    this.state = host.getState() ?? { tab: 'services', sort: { key: 'endpoint', descending: false }, connFilter: '', connPage: 0, history: {} };
    for (const [d, series] of Object.entries(this.state.history ?? {})) this.history.load(d, series);
    this.table = new StatsTable(this.state.sort, (sort) => { this.state.sort = sort; this.save(); });
    root.append(this.buildHeader(), this.banner, this.buildTabs());
    this.banner.hidden = true;
    setInterval(() => this.renderBanner(), 1000);
    host.onMessage((m) => this.onMessage(m));
    host.post({ type: 'ready' });
  }

  private buildHeader(): HTMLElement {
    const header = el('header', 'header');
    const left = el('div', 'header-left');
    left.append(this.title, this.directorBar);
    this.pauseButton.textContent = 'Pause';
    this.pauseButton.id = 'pause';
    this.pauseButton.setAttribute('secondary', '');
    this.pauseButton.addEventListener('click', () => this.host.post({ type: this.paused ? 'resume' : 'pause' }));
    header.append(left, this.pauseButton);
    this.retryButton.textContent = 'Retry now';
    this.retryButton.id = 'retry';
    this.retryButton.addEventListener('click', () => this.host.post({ type: 'retry', director: this.selected() }));
    this.banner.append(el('span', 'banner-icon', '⚠'), this.bannerText, this.retryButton);
    return header;
  }

  private buildTabs(): HTMLElement {
    const labels: Record<StatsTab, string> = { services: 'Overview', charts: 'Charts', share: 'Share of traffic', connections: 'Connections' };
    for (const t of TABS) {
      const h = document.createElement('vscode-tab-header');
      h.slot = 'header';
      h.textContent = labels[t];
      h.dataset.tab = t;
      this.tabs.appendChild(h);
    }
    const overview = document.createElement('vscode-tab-panel');
    const tableWrap = el('div', 'table-wrap');
    tableWrap.append(this.table.element);
    const charts = el('div', 'charts');
    charts.append(this.cpsChart.element, this.bpsChart.element);
    overview.append(this.kpis, this.empty, tableWrap, charts);
    const share = document.createElement('vscode-tab-panel');
    share.append(el('p', 'hint', 'Does the scheduler spread new connections as the weights say? Expected share = weight ÷ sum of the service\'s weights; observed share = the real server\'s part of the connections counted since this panel started polling (all-time totals until there are new ones).'), this.shareBox);
    const connections = document.createElement('vscode-tab-panel');
    connections.append(this.buildConnections());
    this.tabs.append(overview, share, connections);
    const idx = Math.max(0, TABS.indexOf(this.state.tab));
    this.tabs.setAttribute('selected-index', String(idx));
    this.tabs.addEventListener('vsc-tabs-select', (e: Event) => {
      const i = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.state.tab = TABS[i] ?? 'services';
      this.save();
      if (this.state.tab === 'services') { this.table.renderSoon(); this.renderCharts(); }
      const d = this.selected();
      const snap = d ? this.snapshots.get(d) : undefined;
      if (this.state.tab === 'share' && snap) this.renderShare(snap);
    });
    return this.tabs;
  }

  private buildConnections(): HTMLElement {
    const box = el('div', 'connections');
    const bar = el('div', 'conn-bar');
    const c = this.conn;
    c.filter.placeholder = 'Filter: words that must all occur (e.g. 10.116.0.11 established)';
    c.filter.value = this.state.connFilter;
    c.filter.id = 'conn-filter';
    c.filter.addEventListener('keydown', (e: KeyboardEvent) => { if (e.key === 'Enter') this.requestConnections(0, false); });
    c.load.textContent = 'Load connections';
    c.load.id = 'conn-load';
    c.load.addEventListener('click', () => this.requestConnections(0, true));
    c.prev.textContent = '‹ Previous';
    c.prev.setAttribute('secondary', '');
    c.prev.addEventListener('click', () => this.requestConnections((c.page?.page ?? 0) - 1, false));
    c.next.textContent = 'Next ›';
    c.next.setAttribute('secondary', '');
    c.next.addEventListener('click', () => this.requestConnections((c.page?.page ?? 0) + 1, false));
    c.prev.disabled = true;
    c.next.disabled = true;
    bar.append(c.filter, c.load, c.prev, c.next);
    const table = el('table', 'conn-table');
    const head = table.createTHead().insertRow();
    for (const h of ['Protocol', 'State', 'Expires', 'Client', 'Virtual', 'Real server']) head.appendChild(el('th', undefined, h));
    table.appendChild(c.body);
    box.append(bar, c.info, table);
    return box;
  }

  private requestConnections(page: number, refresh: boolean): void {
    const director = this.selected();
    if (!director) return;
    this.state.connFilter = this.conn.filter.value;
    this.state.connPage = Math.max(0, page);
    this.save();
    this.conn.info.textContent = 'Reading the connection table…';
    this.host.post({ type: 'connections', director, filter: this.conn.filter.value, page: Math.max(0, page), pageSize: DEFAULT_CONNECTIONS_PAGE_SIZE, refresh: refresh || !this.conn.page });
  }

  private selected(): string | undefined {
    const d = this.state.director;
    return d !== undefined && this.directors.includes(d) ? d : this.directors[0];
  }

  onMessage(m: HostToWebviewMessage): void {
    switch (m.type) {
      case 'init':
        this.state.ref = m.ref;
        this.directors = m.directors;
        this.paused = m.paused;
        this.title.textContent = `Cluster ${m.ref.cluster}`;
        this.title.title = m.ref.file;
        this.save();
        this.renderHeader();
        break;
      case 'snapshot':
        this.snapshots.set(m.snapshot.director, m.snapshot);
        this.history.add(m.snapshot);
        if (m.snapshot.director === this.selected()) this.render();
        this.renderHeader();
        this.saveSoon();
        break;
      case 'status':
        this.statuses.set(m.status.director, m.status);
        this.renderHeader();
        this.renderBanner();
        break;
      case 'history':
        this.history.load(m.director, m.series);
        if (m.director === this.selected()) this.renderCharts();
        break;
      case 'paused':
        this.paused = m.paused;
        this.renderHeader();
        break;
      case 'connections':
        this.renderConnections(m.page);
        break;
      case 'connectionsError':
        this.conn.info.textContent = `Could not read the connection table of ${m.director}: ${m.error}`;
        this.conn.info.classList.add('error-text');
        break;
    }
  }

  /** The header on every message: the chips are made once per director list, then only what changed is written. */
  private renderHeader(): void {
    setText(this.pauseButton, this.paused ? 'Resume' : 'Pause');
    const pauseTitle = this.paused ? 'Resume polling the directors' : 'Stop polling the directors (no SSH traffic while paused)';
    if (this.pauseButton.title !== pauseTitle) this.pauseButton.title = pauseTitle;
    if (this.chips.size !== this.directors.length || this.directors.some((d) => !this.chips.has(d))) {
      this.chips.clear();
      for (const d of this.directors) {
        const chip = el('button');
        chip.type = 'button';
        chip.dataset.director = d;
        const view: ChipView = { chip, state: el('span', 'state'), updated: el('span', 'updated') };
        chip.append(el('span', 'dot'), el('span', 'name', d), view.state, view.updated);
        chip.addEventListener('click', () => { this.state.director = d; this.save(); this.render(); this.renderHeader(); this.renderBanner(); });
        this.chips.set(d, view);
      }
      this.directorBar.replaceChildren(...[...this.chips.values()].map((v) => v.chip));
    }
    const selected = this.selected();
    for (const [d, view] of this.chips) {
      const st = this.statuses.get(d);
      const state = this.paused ? 'paused' : st?.state ?? 'idle';
      const cls = `director state-${state}${d === selected ? ' selected' : ''}`;
      if (view.chip.className !== cls) view.chip.className = cls;
      setText(view.state, stateText(state));
      setText(view.updated, `updated ${time(st?.lastUpdate)}`);
      const title = `Director ${d}: ${stateText(state)}${st?.error ? ` — ${st.error}` : ''}`;
      if (view.chip.title !== title) view.chip.title = title;
    }
  }

  private renderBanner(): void {
    const d = this.selected();
    const st = d ? this.statuses.get(d) : undefined;
    if (!st || st.state !== 'error' || this.paused) { this.banner.hidden = true; return; }
    this.banner.hidden = false;
    const next = st.nextAttempt !== undefined ? Math.max(0, Math.ceil((st.nextAttempt - Date.now()) / 1000)) : undefined;
    this.bannerText.textContent = `Director ${st.director} is unreachable: ${st.error ?? 'unknown error'} — ${st.failures} failed attempt${st.failures === 1 ? '' : 's'}${next !== undefined ? `, next try in ${next} s` : ''}. Last good reading: ${time(st.lastUpdate)}.`;
  }

  render(): void {
    const d = this.selected();
    const snap = d ? this.snapshots.get(d) : undefined;
    if (!snap) return;
    // The table first: it reads the viewport (one layout read), and everything after it only writes.
    this.table.update(snap);
    const none = snap.services.length === 0;
    if (this.empty.hidden !== !none) this.empty.hidden = !none;
    if (none) setText(this.empty, `Director ${snap.director} has no virtual services.`);
    this.renderKpis(snap);
    // Only the visible tab's views are drawn on every snapshot; the others when they are selected.
    if (this.state.tab === 'share') this.renderShare(snap);
    if (this.state.tab === 'services') this.renderCharts();
  }

  private renderKpis(snap: DirectorSnapshot): void {
    let cps = 0, inBps = 0, outBps = 0, active = 0, inact = 0, rs = 0;
    for (const s of snap.services) {
      cps += s.rate.cps; inBps += s.rate.inBps; outBps += s.rate.outBps; active += s.activeConn; inact += s.inactConn; rs += s.realServers.length;
    }
    const tiles: [string, string, string][] = [
      ['New connections', `${compactNumber(cps)}/s`, 'kpi-cps'],
      ['Traffic in', bytesRate(inBps), 'kpi-in'],
      ['Traffic out', bytesRate(outBps), 'kpi-out'],
      ['Active connections', compactNumber(active), 'kpi-active'],
      ['Inactive connections', compactNumber(inact), 'kpi-inact'],
      ['Services / real servers', `${snap.services.length} / ${rs}`, 'kpi-count'],
    ];
    if (this.kpiValues.length !== tiles.length) {
      this.kpiValues = tiles.map(() => el('div', 'kpi-value'));
      this.kpis.replaceChildren(...tiles.map(([label, , id], i) => {
        const t = el('div', 'kpi');
        t.id = id;
        t.append(this.kpiValues[i], el('div', 'kpi-label', label));
        return t;
      }));
    }
    tiles.forEach(([, value], i) => setText(this.kpiValues[i], value));
  }

  private renderCharts(): void {
    const d = this.selected();
    const snap = d ? this.snapshots.get(d) : undefined;
    if (!d) return;
    const series = chartSeries(snap);
    const frames = this.history.framesOf(d);
    this.cpsChart.update(frames, series);
    this.bpsChart.update(frames, series);
  }

  /** The share of traffic: a card per service and a row per real server, kept by id; a reading writes only
   *  the texts and bar widths that changed, and the cards are re-ordered only when the services changed. */
  private renderShare(snap: DirectorSnapshot): void {
    const seen = new Set<string>();
    const cards: HTMLElement[] = [];
    let moved = this.shareCards.size !== snap.services.length;
    for (const s of snap.services) {
      seen.add(s.id);
      let view = this.shareCards.get(s.id);
      if (!view) {
        view = { card: el('section', 'share-card'), title: el('h3'), sub: el('div'), rows: new Map() };
        view.card.append(view.title, view.sub);
        this.shareCards.set(s.id, view);
        moved = true;
      }
      if (this.shareBox.children[cards.length] !== view.card) moved = true;
      cards.push(view.card);
      const dev = s.share.maxDeviation;
      const verdict = s.share.connections === 0 ? 'no connections yet' : dev <= 0.1 ? 'as the weights say' : 'differs from the weights';
      setText(view.title, `${s.label}${s.name ? ` · ${s.name}` : ''}${s.scheduler ? ` · ${s.scheduler}` : ''}`);
      const subClass = `share-sub ${dev > 0.1 && s.share.connections > 0 ? 'warn' : 'ok'}`;
      if (view.sub.className !== subClass) view.sub.className = subClass;
      setText(view.sub, `${verdict} · ${s.share.basis === 'window' ? `${compactNumber(s.share.connections)} new connections` : `${compactNumber(s.share.connections)} connections (all-time)`} · largest gap ${percent(dev)}`);
      this.renderShareRows(view, s.share.rows);
    }
    for (const id of [...this.shareCards.keys()]) if (!seen.has(id)) this.shareCards.delete(id);
    if (cards.length === 0) { if (this.shareBox.firstElementChild !== this.shareEmpty) this.shareBox.replaceChildren(this.shareEmpty); }
    else if (moved) this.shareBox.replaceChildren(...cards);
  }

  private renderShareRows(view: ShareCardView, rows: readonly ShareRow[]): void {
    let moved = view.rows.size !== rows.length;
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      seen.add(r.id);
      let rv = view.rows.get(r.id);
      if (!rv) {
        const row = el('div', 'share-row');
        row.dataset.id = r.id;
        const bars = el('div', 'share-bars');
        rv = { row, weight: el('span', 'share-weight'), expected: el('div', 'bar expected'), observed: el('div', 'bar observed'), observedText: el('span', 'share-num'), expectedText: el('span', 'share-num muted'), widths: ['', ''] };
        bars.append(rv.expected, rv.observed);
        row.append(el('span', 'share-name', r.host !== undefined ? `${r.host} · ${r.endpoint}` : r.endpoint), rv.weight, bars, rv.observedText, rv.expectedText);
        view.rows.set(r.id, rv);
        moved = true;
      }
      // Children 0 and 1 of the card are its title and verdict.
      if (view.card.children[i + 2] !== rv.row) moved = true;
      setText(rv.weight, `weight ${r.weight}`);
      const exp = `${(r.expected * 100).toFixed(2)}%`;
      if (rv.widths[0] !== exp) { rv.widths[0] = exp; rv.expected.style.width = exp; }
      const obs = `${(r.observed * 100).toFixed(2)}%`;
      if (rv.widths[1] !== obs) { rv.widths[1] = obs; rv.observed.style.width = obs; }
      setText(rv.observedText, `${percent(r.observed)} observed`);
      setText(rv.expectedText, `${percent(r.expected)} expected`);
    });
    for (const id of [...view.rows.keys()]) if (!seen.has(id)) view.rows.delete(id);
    if (moved) {
      view.card.replaceChildren(view.title, view.sub, ...rows.map((r) => (view.rows.get(r.id) as ShareRowView).row));
      // The size an off-screen card takes before it was ever rendered (content-visibility: auto).
      view.card.style.setProperty('contain-intrinsic-size', `auto ${SHARE_CARD_PX + SHARE_ROW_PX * rows.length}px`);
    }
  }

  private renderConnections(page: ConnectionsPage): void {
    const c = this.conn;
    c.page = page;
    c.info.classList.remove('error-text');
    const pages = Math.max(1, Math.ceil(page.matched / page.pageSize));
    c.info.textContent = `${page.matched} of ${page.total} entries match · page ${page.page + 1} of ${pages} · read from ${page.director} at ${time(page.fetchedAt)} (Load connections reads again)`;
    c.prev.disabled = page.page <= 0;
    c.next.disabled = page.page + 1 >= pages;
    const rows = page.rows.map((r) => {
      const tr = el('tr');
      const exp = `${Math.floor(r.expires / 60)}:${String(r.expires % 60).padStart(2, '0')}`;
      for (const [t, cls] of [[r.protocol, ''], [r.state, `conn-state ${r.state.toLowerCase()}`], [exp, 'num'], [r.client, ''], [r.virtual, ''], [r.destination, '']]) tr.appendChild(el('td', cls || undefined, t));
      return tr;
    });
    if (rows.length === 0) {
      const tr = el('tr');
      const td = el('td', 'muted', page.total === 0 ? 'The connection table is empty.' : 'No entry matches the filter.');
      td.colSpan = 6;
      tr.appendChild(td);
      rows.push(tr);
    }
    c.body.replaceChildren(...rows);
  }

  private saveSoon(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = window.setTimeout(() => { this.saveTimer = undefined; this.save(); }, 1000);
  }

  private save(): void {
    const history: WebviewState['history'] = {};
    for (const d of this.directors) {
      const snap = this.snapshots.get(d);
      history[d] = this.history.toState(d, snap ? chartSeries(snap).map((s) => s.id) : undefined);
    }
    this.state.history = history;
    this.host.setState(this.state);
  }

  sortBy(key: SortKey): void {
    this.table.setSort(key);
  }
}

function stateText(state: string): string {
  switch (state) {
    case 'ok': return 'live';
    case 'error': return 'unreachable';
    case 'connecting': return 'connecting…';
    case 'paused': return 'paused';
    default: return 'idle';
  }
}

declare global {
  interface Window {
    /** Set by the page for the bench and tests (the app is otherwise private). */
    lvsStatsApp?: StatsApp;
  }
}

const root = document.getElementById('app');
if (root) window.lvsStatsApp = new StatsApp(connectHost(), root);
