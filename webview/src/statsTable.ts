/**
 * The services table: one row per virtual service and per real server. Rows have a fixed height and only
 * those in (and near) the viewport are in the DOM (a pool of row elements reused as the page scrolls); an
 * update sorts the data and writes only the cells of that window whose text changed. Each cell's text sits
 * in a size- and layout-contained box (`.cell`, contain: strict), which Chromium lays out on its own: a new
 * value re-lays out that box, not the table (a table lays out all its cells, and sizes its columns from
 * them, whenever one of them changes). Plain <table> (not vscode-table): thousands of custom elements with
 * shadow roots would cost more than the whole update budget.
 */
import type { DirectorSnapshot, RealServerStats, ServiceStats, SortKey } from '../../src/shared/statsProtocol';
import { bytes, bytesRate, compactNumber } from '../../src/core/stats/statsFormat';

export interface Column {
  key: SortKey;
  title: string;
  tooltip: string;
  text(r: RowData): string;
  value(r: RowData): number | string;
}

export type RowData = (RealServerStats & { kind: 'rs' }) | (ServiceStats & { kind: 'svc' });

const rate = (r: RowData) => r.rate;
/** One collator for every comparison (String.prototype.localeCompare with options builds one per call). */
const COLLATOR = new Intl.Collator(undefined, { numeric: true });

export const COLUMNS: Column[] = [
  { key: 'endpoint', title: 'Service / real server', tooltip: 'Virtual service, then its real servers', text: (r) => (r.kind === 'svc' ? `${r.label}${r.name ? ` · ${r.name}` : ''}${r.scheduler ? ` · ${r.scheduler}` : ''}` : r.endpoint), value: (r) => (r.kind === 'svc' ? r.label : r.endpoint) },
  { key: 'weight', title: 'Weight', tooltip: 'Scheduling weight (ipvsadm -Ln)', text: (r) => (r.kind === 'rs' && r.weight !== undefined ? String(r.weight) : ''), value: (r) => (r.kind === 'rs' ? r.weight ?? -1 : -1) },
  { key: 'activeConn', title: 'Active', tooltip: 'ActiveConn: established connections', text: (r) => String(r.activeConn), value: (r) => r.activeConn },
  { key: 'inactConn', title: 'Inactive', tooltip: 'InActConn: other connection states (FIN_WAIT, TIME_WAIT, …)', text: (r) => String(r.inactConn), value: (r) => r.inactConn },
  { key: 'cps', title: 'Conn/s', tooltip: 'New connections per second (kernel estimator, --rate)', text: (r) => compactNumber(rate(r).cps), value: (r) => rate(r).cps },
  { key: 'inPps', title: 'In pkt/s', tooltip: 'InPPS (--rate)', text: (r) => compactNumber(rate(r).inPps), value: (r) => rate(r).inPps },
  { key: 'outPps', title: 'Out pkt/s', tooltip: 'OutPPS (--rate); 0 in DR and TUN: replies bypass the director', text: (r) => compactNumber(rate(r).outPps), value: (r) => rate(r).outPps },
  { key: 'inBps', title: 'In', tooltip: 'InBPS: bytes per second in (--rate)', text: (r) => bytesRate(rate(r).inBps), value: (r) => rate(r).inBps },
  { key: 'outBps', title: 'Out', tooltip: 'OutBPS: bytes per second out (--rate)', text: (r) => bytesRate(rate(r).outBps), value: (r) => rate(r).outBps },
  { key: 'conns', title: 'Conns', tooltip: 'Connections since the counters were last zeroed (--stats --exact)', text: (r) => compactNumber(r.totals.conns), value: (r) => r.totals.conns },
  { key: 'inBytes', title: 'Bytes in', tooltip: 'Total bytes in (--stats --exact)', text: (r) => bytes(r.totals.inBytes), value: (r) => r.totals.inBytes },
  { key: 'outBytes', title: 'Bytes out', tooltip: 'Total bytes out (--stats --exact)', text: (r) => bytes(r.totals.outBytes), value: (r) => r.totals.outBytes },
];

interface RowView {
  tr: HTMLTableRowElement;
  /** The text node of each cell (inside its contained box); a new value replaces its data, not the node. */
  cells: Text[];
  texts: string[];
  kind: 'svc' | 'rs' | '';
  id: string;
  quiesced: boolean;
}

/** Fixed row height (px; the stylesheet sets the same): rows outside the viewport are not in the DOM. */
export const ROW_HEIGHT = 26;
/** Rows kept above and below the viewport (react-window keeps 1-2): scrolling re-renders the window every frame. */
const OVERSCAN = 3;

export class StatsTable {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly topSpacer: HTMLTableRowElement;
  private readonly bottomSpacer: HTMLTableRowElement;
  private readonly slots: RowView[] = [];
  private rows: RowData[] = [];
  private headerCells: HTMLTableCellElement[] = [];
  private last?: DirectorSnapshot;
  private frame = 0;
  /** Cells written by the last update (for tests and the bench). */
  lastWrites = 0;

  constructor(private sort: { key: SortKey; descending: boolean }, private readonly onSort: (sort: { key: SortKey; descending: boolean }) => void) {
    this.element = document.createElement('table');
    this.element.className = 'stats-table';
    const head = this.element.createTHead().insertRow();
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.textContent = c.title;
      th.title = `${c.tooltip}. Click to sort.`;
      th.dataset.key = c.key;
      th.tabIndex = 0;
      if (c.key !== 'endpoint') th.className = 'num';
      const activate = () => this.setSort(c.key);
      th.addEventListener('click', activate);
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); activate(); } });
      head.appendChild(th);
      this.headerCells.push(th);
    }
    this.body = this.element.createTBody();
    this.topSpacer = this.spacer();
    this.bottomSpacer = this.spacer();
    this.body.append(this.topSpacer, this.bottomSpacer);
    this.markSort();
    const onScroll = () => {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderWindow(); });
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll, { passive: true });
  }

  private spacer(): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    const td = document.createElement('td');
    td.colSpan = COLUMNS.length;
    tr.appendChild(td);
    return tr;
  }

  setSort(key: SortKey): void {
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: key !== 'endpoint' };
    this.markSort();
    this.onSort(this.sort);
    if (this.last) this.update(this.last);
  }

  private markSort(): void {
    for (const th of this.headerCells) {
      const on = th.dataset.key === this.sort.key;
      th.classList.toggle('sorted', on);
      th.setAttribute('aria-sort', on ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
      th.dataset.arrow = on ? (this.sort.descending ? '▼' : '▲') : '';
    }
  }

  /** The comparator of the current sort (column looked up once per update, not per comparison). */
  private comparator(): (a: RowData, b: RowData) => number {
    const col = COLUMNS.find((c) => c.key === this.sort.key) ?? COLUMNS[0];
    const sign = this.sort.descending ? -1 : 1;
    return (a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      return sign * (typeof va === 'number' && typeof vb === 'number' ? va - vb : COLLATOR.compare(String(va), String(vb)));
    };
  }

  /** New data: sorted (services, and real servers within each), then only the visible window is written. */
  update(snapshot: DirectorSnapshot): void {
    this.last = snapshot;
    const compare = this.comparator();
    const rows: RowData[] = [];
    const services = snapshot.services.map((s) => ({ ...s, kind: 'svc' as const })).sort(compare);
    for (const svc of services) {
      rows.push(svc);
      const rs = svc.realServers.map((r) => ({ ...r, kind: 'rs' as const })).sort(compare);
      for (const r of rs) rows.push(r);
    }
    this.rows = rows;
    this.renderWindow();
  }

  rowCount(): number {
    return this.rows.length;
  }

  /** Writes the rows in (and near) the viewport; only cells whose text changed are touched. */
  private renderWindow(): void {
    const total = this.rows.length;
    const top = this.body.getBoundingClientRect().top;
    const first = Math.max(0, Math.floor(-top / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(total - first, Math.ceil(window.innerHeight / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.slots.length < count) {
      const slot = this.createSlot();
      this.slots.push(slot);
      this.body.insertBefore(slot.tr, this.bottomSpacer);
    }
    while (this.slots.length > Math.max(0, count)) (this.slots.pop() as RowView).tr.remove();
    const topPx = `${first * ROW_HEIGHT}px`;
    const bottomPx = `${Math.max(0, total - first - count) * ROW_HEIGHT}px`;
    if (this.topSpacer.style.height !== topPx) this.topSpacer.style.height = topPx;
    if (this.bottomSpacer.style.height !== bottomPx) this.bottomSpacer.style.height = bottomPx;
    let writes = 0;
    for (let k = 0; k < this.slots.length; k++) {
      const row = this.rows[first + k];
      const view = this.slots[k];
      if (view.kind !== row.kind) { view.kind = row.kind; view.tr.className = row.kind === 'svc' ? 'service' : 'real-server'; }
      if (view.id !== row.id) { view.id = row.id; view.tr.dataset.id = row.id; }
      for (let i = 0; i < COLUMNS.length; i++) {
        const t = COLUMNS[i].text(row);
        if (view.texts[i] !== t) {
          view.texts[i] = t;
          view.cells[i].data = t;
          writes++;
        }
      }
      const idle = row.kind === 'rs' && row.weight === 0;
      if (view.quiesced !== idle) { view.quiesced = idle; view.tr.classList.toggle('quiesced', idle); }
    }
    this.lastWrites = writes;
  }

  private createSlot(): RowView {
    const tr = document.createElement('tr');
    const cells: Text[] = [];
    for (const c of COLUMNS) {
      const td = document.createElement('td');
      if (c.key !== 'endpoint') td.className = 'num';
      const cell = document.createElement('div');
      cell.className = 'cell';
      const text = document.createTextNode('');
      cell.appendChild(text);
      td.appendChild(cell);
      tr.appendChild(td);
      cells.push(text);
    }
    return { tr, cells, texts: new Array<string>(COLUMNS.length).fill(''), kind: '', id: '', quiesced: false };
  }
}
