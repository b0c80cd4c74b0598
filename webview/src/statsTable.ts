/**
 * The services table: one row per virtual service and per real server, sorted services first and real
 * servers within each. Only the rows in the viewport (plus a few) are in the DOM, a pool of row elements
 * reused as the page scrolls; the rows above and below are the body's padding.
 *
 * What an update costs is what Chromium's layout costs, and that is per text box: each cell is its own
 * inline formatting context, laid out again when its text changes (≈ 10–20 µs each on this machine, a
 * few hundred of them per reading). So:
 * - the table is a <table> for its semantics (and explicit ARIA roles, as the CSS display is not a
 *   table's), laid out as flex rows of fixed height with `contain: strict` on rows and cells: a changed
 *   cell re-lays out its own box only, never the table (a CSS table lays out all its cells, and sizes its
 *   columns from them, whenever one of them changes); cells clip with `overflow: clip`, as `hidden` would
 *   make each a scroll container, more work per layout;
 * - only the rows on screen are written, and in them only the cells whose value changed (the value is
 *   compared before it is formatted; the text before it is written);
 * - the order is kept from one reading to the next and re-sorted only when the sort column's values no
 *   longer follow it (never for the address column, whose values are those of the ids);
 * - the viewport is read once per update, before any write (no layout between writes).
 * Plain <table> (not vscode-table): thousands of custom elements with shadow roots would cost more than
 * the whole update budget.
 */
import type { DirectorSnapshot, RealServerStats, ServiceStats, SortKey } from '../../src/shared/statsProtocol';
import { bytes, bytesRate, compactNumber } from '../../src/shared/statsFormat';

/** A row of the table: a virtual service or one of its real servers, as the snapshot has them (no copy). */
export type RowData = ServiceStats | RealServerStats;

function isService(r: RowData): r is ServiceStats {
  return (r as ServiceStats).realServers !== undefined;
}

export interface Column {
  key: SortKey;
  title: string;
  tooltip: string;
  /** What the cell shows, before formatting: a cell is formatted and written only when this changed. */
  cell(r: RowData): number | string;
  format(v: number | string): string;
  /** The sort value. */
  value(r: RowData): number | string;
  /** The sort value depends only on the row's id (the order of one reading holds for the next). */
  byId?: true;
}

/** One collator for every comparison (String.prototype.localeCompare with options builds one per call). */
const COLLATOR = new Intl.Collator(undefined, { numeric: true });

const asText = (v: number | string): string => String(v);
const numeric = (key: SortKey, title: string, tooltip: string, get: (r: RowData) => number, fmt: (n: number) => string): Column => ({
  key, title, tooltip, cell: get, value: get, format: (v) => fmt(v as number),
});

export const COLUMNS: readonly Column[] = [
  {
    key: 'endpoint', title: 'Service / real server', tooltip: 'Virtual service, then its real servers', byId: true, format: asText,
    cell: (r) => (isService(r) ? `${r.label}${r.name ? ` · ${r.name}` : ''}${r.scheduler ? ` · ${r.scheduler}` : ''}` : r.host !== undefined ? `${r.host} · ${r.endpoint}` : r.endpoint),
    value: (r) => (isService(r) ? r.label : r.endpoint),
  },
  numeric('weight', 'Weight', 'Scheduling weight (ipvsadm -Ln)', (r) => (isService(r) ? -1 : r.weight ?? -1), (n) => (n < 0 ? '' : String(n))),
  numeric('activeConn', 'Active', 'ActiveConn: established connections', (r) => r.activeConn, String),
  numeric('inactConn', 'Inactive', 'InActConn: other connection states (FIN_WAIT, TIME_WAIT, …)', (r) => r.inactConn, String),
  numeric('cps', 'Conn/s', 'New connections per second (kernel estimator, --rate)', (r) => r.rate.cps, compactNumber),
  numeric('inPps', 'In pkt/s', 'InPPS (--rate)', (r) => r.rate.inPps, compactNumber),
  numeric('outPps', 'Out pkt/s', 'OutPPS (--rate); 0 in DR and TUN: replies bypass the director', (r) => r.rate.outPps, compactNumber),
  numeric('inBps', 'In', 'InBPS: bytes per second in (--rate)', (r) => r.rate.inBps, bytesRate),
  numeric('outBps', 'Out', 'OutBPS: bytes per second out (--rate)', (r) => r.rate.outBps, bytesRate),
  numeric('conns', 'Conns', 'Connections since the counters were last zeroed (--stats --exact)', (r) => r.totals.conns, compactNumber),
  numeric('inBytes', 'Bytes in', 'Total bytes in (--stats --exact)', (r) => r.totals.inBytes, bytes),
  numeric('outBytes', 'Bytes out', 'Total bytes out (--stats --exact)', (r) => r.totals.outBytes, bytes),
];

/** The last order of one list (the services, or one service's real servers). */
interface Order {
  /** The ids in the snapshot's order. */
  ids: string[];
  /** Sorted position → index in the snapshot's list. */
  perm: number[];
}

/**
 * `items` sorted by `compare`, starting from the previous order when the list has the same ids in the same
 * places: then nothing is compared when the sort value is the id's, and otherwise the order is only checked
 * (n − 1 comparisons) and sorted again, from nearly sorted (TimSort), only when it no longer holds. Ties
 * keep the previous order, so equal rows do not swap from one reading to the next.
 */
function sortFrom<T extends RowData>(items: readonly T[], prev: Order | undefined, compare: (a: T, b: T) => number, byId: boolean): { list: T[]; order: Order } {
  const n = items.length;
  let same = prev !== undefined && prev.ids.length === n;
  for (let i = 0; same && i < n; i++) same = (prev as Order).ids[i] === items[i].id;
  const ids = same ? (prev as Order).ids : items.map((r) => r.id);
  let perm = same ? (prev as Order).perm : Array.from({ length: n }, (_, i) => i);
  let list = perm.map((i) => items[i]);
  if (!(same && byId)) {
    let sorted = true;
    for (let i = 1; sorted && i < n; i++) sorted = compare(list[i - 1], list[i]) <= 0;
    if (!sorted) {
      perm = perm.slice().sort((a, b) => compare(items[a], items[b]));
      list = perm.map((i) => items[i]);
    }
  }
  return { list, order: { ids, perm } };
}

interface RowView {
  tr: HTMLTableRowElement;
  /** The text node of each cell; a new value replaces its data, not the node. */
  texts: Text[];
  /** What each cell shows, unformatted and formatted. */
  values: (number | string | undefined)[];
  shown: string[];
  kind: 'svc' | 'rs' | '';
  id: string;
  /** Position in the sorted rows (aria-rowindex − 2). */
  index: number;
  quiesced: boolean;
}

/** Fixed row height (px; the stylesheet sets the same): rows outside the viewport are not in the DOM. */
export const ROW_HEIGHT = 26;
/** Rows kept above and below the viewport (react-window keeps 1-2): scrolling re-renders the window every frame. */
const OVERSCAN = 3;

export class StatsTable {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly slots: RowView[] = [];
  private rows: RowData[] = [];
  private readonly headerCells: HTMLTableCellElement[] = [];
  private last?: DirectorSnapshot;
  /** The sort the orders below were made for, and the orders (services; real servers per service id). */
  private orderedBy = '';
  private serviceOrder?: Order;
  private realServerOrders = new Map<string, Order>();
  private padding = '';
  private rowCountShown = -1;
  private frame = 0;
  /** Cells written by the last update (for tests and the bench). */
  lastWrites = 0;

  constructor(private sort: { key: SortKey; descending: boolean }, private readonly onSort: (sort: { key: SortKey; descending: boolean }) => void) {
    this.element = document.createElement('table');
    this.element.className = 'stats-table';
    this.element.setAttribute('role', 'table');
    const thead = this.element.createTHead();
    thead.setAttribute('role', 'rowgroup');
    const head = thead.insertRow();
    head.setAttribute('role', 'row');
    head.setAttribute('aria-rowindex', '1');
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.setAttribute('role', 'columnheader');
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
    this.body.setAttribute('role', 'rowgroup');
    this.markSort();
    const onScroll = () => this.renderSoon();
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll, { passive: true });
  }

  /** Renders the window at the next frame (after a scroll, a resize, or when its tab shows again). */
  renderSoon(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderWindow(); });
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

  /** New data: sorted (services, and real servers within each), then only the visible window is written. */
  update(snapshot: DirectorSnapshot): void {
    this.last = snapshot;
    const col = COLUMNS.find((c) => c.key === this.sort.key) ?? COLUMNS[0];
    const sign = this.sort.descending ? -1 : 1;
    const compare = (a: RowData, b: RowData): number => {
      const va = col.value(a);
      const vb = col.value(b);
      return sign * (typeof va === 'number' && typeof vb === 'number' ? va - vb : COLLATOR.compare(String(va), String(vb)));
    };
    const by = `${col.key} ${sign}`;
    if (by !== this.orderedBy) {
      this.orderedBy = by;
      this.serviceOrder = undefined;
      this.realServerOrders = new Map();
    }
    const byId = col.byId === true;
    const services = sortFrom(snapshot.services, this.serviceOrder, compare, byId);
    this.serviceOrder = services.order;
    const orders = new Map<string, Order>();
    const rows: RowData[] = [];
    for (const svc of services.list) {
      rows.push(svc);
      const rs = sortFrom(svc.realServers, this.realServerOrders.get(svc.id), compare, byId);
      orders.set(svc.id, rs.order);
      for (const r of rs.list) rows.push(r);
    }
    this.realServerOrders = orders;
    this.rows = rows;
    this.renderWindow();
  }

  rowCount(): number {
    return this.rows.length;
  }

  /** Writes the rows in (and near) the viewport; only cells whose value changed are touched. */
  private renderWindow(): void {
    const total = this.rows.length;
    // The one layout read of an update, before its writes.
    const top = this.body.getBoundingClientRect().top;
    const first = Math.min(total, Math.max(0, Math.floor(-top / ROW_HEIGHT) - OVERSCAN));
    const end = Math.min(total, Math.max(first, Math.ceil((window.innerHeight - top) / ROW_HEIGHT) + OVERSCAN));
    const count = end - first;
    while (this.slots.length < count) {
      const slot = this.createSlot();
      this.slots.push(slot);
      this.body.appendChild(slot.tr);
    }
    while (this.slots.length > count) (this.slots.pop() as RowView).tr.remove();
    const padding = `${first * ROW_HEIGHT}px 0 ${(total - end) * ROW_HEIGHT}px`;
    if (padding !== this.padding) { this.padding = padding; this.body.style.padding = padding; }
    let writes = 0;
    for (let k = 0; k < count; k++) {
      const row = this.rows[first + k];
      const view = this.slots[k];
      const kind = isService(row) ? 'svc' : 'rs';
      if (view.kind !== kind) { view.kind = kind; view.tr.className = kind === 'svc' ? 'service' : 'real-server'; }
      if (view.id !== row.id) { view.id = row.id; view.tr.dataset.id = row.id; }
      if (view.index !== first + k) { view.index = first + k; view.tr.setAttribute('aria-rowindex', String(first + k + 2)); }
      for (let i = 0; i < COLUMNS.length; i++) {
        const v = COLUMNS[i].cell(row);
        if (view.values[i] === v) continue;
        view.values[i] = v;
        const t = COLUMNS[i].format(v);
        if (view.shown[i] !== t) {
          view.shown[i] = t;
          view.texts[i].data = t;
          writes++;
        }
      }
      const idle = kind === 'rs' && (row as RealServerStats).weight === 0;
      if (view.quiesced !== idle) { view.quiesced = idle; view.tr.classList.toggle('quiesced', idle); }
    }
    if (this.rowCountShown !== total) { this.rowCountShown = total; this.element.setAttribute('aria-rowcount', String(total + 1)); }
    this.lastWrites = writes;
  }

  private createSlot(): RowView {
    const tr = document.createElement('tr');
    tr.setAttribute('role', 'row');
    const texts: Text[] = [];
    for (const c of COLUMNS) {
      const td = document.createElement('td');
      td.setAttribute('role', 'cell');
      if (c.key !== 'endpoint') td.className = 'num';
      const text = document.createTextNode('');
      td.appendChild(text);
      tr.appendChild(td);
      texts.push(text);
    }
    return { tr, texts, values: new Array<undefined>(COLUMNS.length).fill(undefined), shown: new Array<string>(COLUMNS.length).fill(''), kind: '', id: '', index: -1, quiesced: false };
  }
}
