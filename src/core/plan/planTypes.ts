/**
 * The shapes of a plan: what the director's table must go through to become the desired table. A plan is
 * data (each step carries the IpvsCommand and its `ipvsadm -R` line), so preview, JSON, logging, the
 * in-memory dry run and the batch sent to the director all read the same values.
 */

import type { IpvsCommand, RealServerRef } from '../ipvs/ipvsCommand';
import type { IpvsTable, ServiceKey } from '../ipvs/types';

export type PlanOp =
  | 'add-service' | 'edit-service' | 'add-server' | 'edit-server' | 'drain-server' | 'delete-server' | 'delete-service';

/** The order steps are sent in (and listed in). */
export const PLAN_OP_ORDER: readonly PlanOp[] = [
  'add-service', 'edit-service', 'add-server', 'edit-server', 'drain-server', 'delete-server', 'delete-service',
];

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface PlanStep {
  op: PlanOp;
  /** `serviceKeyString` of the service (`tcp:10.0.0.1:80`, `fwm:5:6`). */
  service: string;
  /** `realServerKeyString` of the real server, for server steps. */
  server?: string;
  /** The exact `ipvsadm -R` line. */
  line: string;
  command: IpvsCommand;
  /** For edits (and drains): which fields change. */
  changes?: FieldChange[];
  /** Why a step is what it is (e.g. "2 active, 5 inactive connections: drained first"). */
  note?: string;
}

/** ActiveConn / InActConn of one real server, from `ipvsadm -Ln`. */
export interface ServerCounters {
  activeConn: number;
  inactConn: number;
}

/** Counters keyed by `counterKey(serviceKey, server)`. */
export type CounterMap = ReadonlyMap<string, ServerCounters>;

/** A real server that leaves the table once it is idle: drained to weight 0, then deleted. */
export interface PendingDrain {
  service: string;
  server: string;
  key: ServiceKey;
  ref: RealServerRef;
  /** Unknown when the live state had no counters (a saved `ipvsadm -S` file). */
  counters?: ServerCounters;
  /** The whole service goes once every one of its real servers is idle. */
  deletesService: boolean;
}

export interface ForeignService {
  service: string;
  realServers: number;
  /** `prune: true`: the plan deletes it. */
  pruned: boolean;
}

export interface Plan {
  steps: PlanStep[];
  /** Real servers (and services) waiting for their connections to end before they are deleted. */
  pending: PendingDrain[];
  /** Live services the file does not declare (and that lvsctl did not create). */
  foreign: ForeignService[];
}

export interface PlanOptions {
  /** Delete foreign services too (the cluster's `prune: true`). */
  prune?: boolean;
  /** Delete removed real servers and services at once, without draining. */
  force?: boolean;
  /**
   * Services lvsctl applied before for this cluster (`serviceKeyString`s): when the file no longer declares
   * one, it is removed rather than reported as foreign.
   */
  managed?: ReadonlySet<string>;
  /** Services another engine owns (keepalived clusters of the file): never deleted, not listed as foreign. */
  keep?: ReadonlySet<string>;
}

export interface LiveTable {
  table: IpvsTable;
  /** Absent when the live state has no counters (planning against a saved `ipvsadm -S -n` file). */
  counters?: CounterMap;
}
