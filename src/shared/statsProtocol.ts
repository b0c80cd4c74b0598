/**
 * The one typed protocol between the extension and the statistics webview (STYLE.md §4, after GitLens'
 * `protocol.ts`): the data shapes, the messages each way and the state the webview persists. Imported by
 * `src/core/stats`, `src/extension/stats` and `webview/`; no `vscode`, DOM or Node imports here.
 */

/** The webview panel's view type (also the `onWebviewPanel:` activation event). */
export const STATS_VIEW_TYPE = 'lvs.stats';

/** The kernel's cumulative counters (`ipvsadm -Ln --stats --exact`). */
export interface CounterSet {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

/** Per-second rates: the kernel's estimator (`--rate`) or deltas of the totals between two ticks. */
export interface RateSet {
  cps: number;
  inPps: number;
  outPps: number;
  inBps: number;
  outBps: number;
}

/** Columns of `ipvsadm -Ln` (and `--persistent-conn`, `--thresholds` when asked). */
export interface ConnectionCounts {
  activeConn: number;
  inactConn: number;
  persistConn?: number;
}

export interface RealServerStats extends ConnectionCounts {
  /** `<serviceId>|<address:port>`: unique in a snapshot, stable across ticks. */
  id: string;
  /** `10.0.0.11:80` or `[fd00::11]:80`. */
  endpoint: string;
  /** The cluster file's host name (`rs1`), when the real server is declared with `host:`. */
  host?: string;
  /** From `ipvsadm -Ln`; undefined when the listing did not show it. */
  weight?: number;
  /** `dr`, `nat`, `tun`. */
  method?: string;
  upperThreshold?: number;
  lowerThreshold?: number;
  totals: CounterSet;
  /** The kernel's estimator. */
  rate: RateSet;
  /** Deltas of `totals` per second since the previous tick; undefined on the first tick or after a reset. */
  delta?: RateSet;
  /** A counter was abbreviated (K/M/G/T): only without --exact. */
  approximate: boolean;
}

export interface ShareRow {
  /** RealServerStats.id */
  id: string;
  endpoint: string;
  /** The cluster file's host name, when it names one. */
  host?: string;
  weight: number;
  /** Share the weights ask for, 0..1 (weight / sum of weights). */
  expected: number;
  /** Share of connections observed, 0..1. */
  observed: number;
}

export interface ShareOfTraffic {
  /** What `observed` counts: new connections since the baseline, or all-time totals when none yet. */
  basis: 'window' | 'totals';
  /** Connections counted. */
  connections: number;
  rows: ShareRow[];
  /** Largest |observed − expected|, 0..1. */
  maxDeviation: number;
}

export interface ServiceStats extends ConnectionCounts {
  /** `tcp:10.0.0.200:80`, `fwm:10` (serviceKeyString). */
  id: string;
  /** `TCP 10.0.0.200:80`, `FWM 10`. */
  label: string;
  scheduler?: string;
  /** The cluster file's service name, when the service is declared there. */
  name?: string;
  totals: CounterSet;
  rate: RateSet;
  delta?: RateSet;
  approximate: boolean;
  realServers: RealServerStats[];
  share: ShareOfTraffic;
}

export interface DirectorSnapshot {
  director: string;
  /** ms since the epoch, when the reading arrived. */
  time: number;
  /** Seconds between this reading and the previous one (for the deltas); undefined on the first. */
  intervalSeconds?: number;
  services: ServiceStats[];
  /** Parser complaints (unreadable lines), at most a few. */
  warnings: string[];
}

export type DirectorState = 'idle' | 'connecting' | 'ok' | 'error' | 'paused';

export interface DirectorStatus {
  director: string;
  state: DirectorState;
  /** ms since the epoch of the last good reading. */
  lastUpdate?: number;
  /** The last error, while in `error`. */
  error?: string;
  /** Consecutive failures. */
  failures: number;
  /** ms since the epoch of the next attempt (back-off), while in `error`. */
  nextAttempt?: number;
}

/** One point of a real server's history (charts). */
export interface HistoryPoint {
  /** Seconds since the epoch (uPlot's x unit). */
  t: number;
  cps: number;
  /** In + out bytes per second. */
  bps: number;
}

export interface SeriesHistory {
  /** RealServerStats.id */
  id: string;
  points: HistoryPoint[];
}

export interface ConnectionRow {
  protocol: string;
  client: string;
  virtual: string;
  destination: string;
  state: string;
  /** Seconds until the entry expires. */
  expires: number;
}

export interface ConnectionsPage {
  director: string;
  filter: string;
  /** 0-based. */
  page: number;
  pageSize: number;
  /** Entries in the table, and those matching the filter. */
  total: number;
  matched: number;
  rows: ConnectionRow[];
  /** ms since the epoch when `ipvsadm -Lnc` ran. */
  fetchedAt: number;
}

/** Identifies the panel's cluster; also the serializer's state, so a reloaded window finds it again. */
export interface ClusterRef {
  /** URI of the cluster file, as a string. */
  file: string;
  cluster: string;
}

// ----------------------------------------------------------------------------------------------- messages

export type HostToWebviewMessage =
  | { type: 'init'; ref: ClusterRef; directors: string[]; intervalSeconds: number; paused: boolean }
  | { type: 'snapshot'; snapshot: DirectorSnapshot }
  | { type: 'status'; status: DirectorStatus }
  | { type: 'history'; director: string; series: SeriesHistory[] }
  | { type: 'connections'; page: ConnectionsPage }
  | { type: 'connectionsError'; director: string; error: string }
  | { type: 'paused'; paused: boolean };

export type WebviewToHostMessage =
  | { type: 'ready' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'retry'; director?: string }
  | { type: 'connections'; director: string; filter: string; page: number; pageSize: number; refresh: boolean };

export type StatsTab = 'services' | 'charts' | 'share' | 'connections';

export type SortKey =
  | 'endpoint' | 'cps' | 'inPps' | 'outPps' | 'inBps' | 'outBps' | 'activeConn' | 'inactConn' | 'weight' | 'conns' | 'inBytes' | 'outBytes';

/** What the webview keeps with `setState` (survives hiding the tab and reloading the window). */
export interface WebviewState {
  ref?: ClusterRef;
  tab: StatsTab;
  director?: string;
  sort: { key: SortKey; descending: boolean };
  connFilter: string;
  connPage: number;
  /** Chart history per director, bounded (see HISTORY_LIMIT_IN_STATE). */
  history: Record<string, SeriesHistory[]>;
}

/** Points per series kept in the webview state. */
export const HISTORY_LIMIT_IN_STATE = 150;

export const DEFAULT_CONNECTIONS_PAGE_SIZE = 100;

export function isWebviewToHostMessage(value: unknown): value is WebviewToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return t === 'ready' || t === 'pause' || t === 'resume' || t === 'retry' || t === 'connections';
}
