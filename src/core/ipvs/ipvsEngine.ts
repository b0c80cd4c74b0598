/**
 * An in-memory ipvsadm: applies commands to an IpvsTable with the kernel's semantics and ipvsadm's error
 * messages (libipvs `ipvs_strerror`): "Service already exists", "No such service", "Service not
 * defined", "Destination already exists", "No such destination", and the kernel's range checks on real
 * servers. Pure from the outside: the input table is never modified.
 */

import type { IpvsCommand, IpvsServiceSettings, RealServerRef } from './ipvsCommand';
import type { IpvsRealServer, IpvsService, IpvsTable, ServiceKey } from './types';
import { realServerKeyString, serviceKeyString } from './types';

export type IpvsError =
  | 'Service already exists'
  | 'No such service'
  | 'Service not defined'
  | 'Destination already exists'
  | 'No such destination'
  /** ERANGE: lower threshold above upper threshold. */
  | 'Numerical result out of range'
  /** EINVAL: e.g. a GUE tunnel without port, or mixed address families without tunneling. */
  | 'Invalid operation.  Possibly wrong module version, address not unicast, ...';

export interface ApplyOutcome {
  table: IpvsTable;
  /** One entry per command: undefined when it succeeded. */
  errors: (IpvsError | undefined)[];
}

function cloneServer(rs: IpvsRealServer): IpvsRealServer {
  return rs.tunnel ? { ...rs, tunnel: { ...rs.tunnel } } : { ...rs };
}

/**
 * A service of the working table. Its real servers live in a Map keyed by realServerKeyString: the Map's
 * insertion order is the order they were added (a replaced server keeps its place, a deleted and re-added
 * one goes last, as in the kernel's list), and adding, replacing or deleting one costs O(1).
 */
class WorkingService implements IpvsService {
  readonly key: ServiceKey;
  readonly scheduler: IpvsService['scheduler'];
  readonly schedFlags: IpvsService['schedFlags'];
  readonly persistence?: IpvsService['persistence'];
  readonly pe?: IpvsService['pe'];
  readonly onePacket: boolean;

  constructor(s: IpvsServiceSettings, readonly servers: Map<string, IpvsRealServer>) {
    this.key = s.key;
    this.scheduler = s.scheduler;
    this.schedFlags = [...s.schedFlags];
    if (s.persistence) this.persistence = { ...s.persistence };
    if (s.pe) this.pe = s.pe;
    this.onePacket = s.onePacket;
  }

  /** A copy in order, made on each read (O(n)): the machine itself only uses `servers`. */
  get realServers(): IpvsRealServer[] {
    return [...this.servers.values()];
  }

  /** A plain model object with copies of everything. */
  toService(): IpvsService {
    const out: IpvsService = { key: this.key, scheduler: this.scheduler, schedFlags: [...this.schedFlags], onePacket: this.onePacket, realServers: [] };
    if (this.persistence) out.persistence = { ...this.persistence };
    if (this.pe) out.pe = this.pe;
    for (const rs of this.servers.values()) out.realServers.push(cloneServer(rs));
    return out;
  }
}

/** A mutable working copy with indexes, for applying long command streams in linear time. */
export class IpvsMachine {
  private readonly services = new Map<string, WorkingService>();
  /** Real-server entries written or visited so far (for tests that check the work stays linear). */
  work = 0;

  constructor(table: IpvsTable = { services: [] }) {
    for (const s of table.services) {
      const servers = new Map<string, IpvsRealServer>();
      for (const rs of s.realServers) { this.work++; servers.set(realServerKeyString(rs), cloneServer(rs)); }
      this.services.set(serviceKeyString(s.key), new WorkingService(s, servers));
    }
  }

  service(key: ServiceKey): IpvsService | undefined {
    return this.services.get(serviceKeyString(key));
  }

  realServer(key: ServiceKey, ref: RealServerRef): IpvsRealServer | undefined {
    return this.services.get(serviceKeyString(key))?.servers.get(realServerKeyString(ref));
  }

  apply(cmd: IpvsCommand): IpvsError | undefined {
    switch (cmd.kind) {
      case 'add-service': {
        const k = serviceKeyString(cmd.service.key);
        if (this.services.has(k)) return 'Service already exists';
        this.services.set(k, new WorkingService(cmd.service, new Map()));
        return undefined;
      }
      case 'edit-service': {
        const k = serviceKeyString(cmd.service.key);
        const old = this.services.get(k);
        if (!old) return 'No such service';
        this.services.set(k, new WorkingService(cmd.service, old.servers));
        return undefined;
      }
      case 'delete-service':
        return this.services.delete(serviceKeyString(cmd.key)) ? undefined : 'No such service';
      case 'flush':
        this.services.clear();
        return undefined;
      case 'zero':
        return cmd.key && !this.services.has(serviceKeyString(cmd.key)) ? 'No such service' : undefined;
      case 'add-server':
      case 'edit-server': {
        const svc = this.services.get(serviceKeyString(cmd.key));
        if (!svc) return 'Service not defined';
        const rk = realServerKeyString(cmd.server);
        const exists = svc.servers.has(rk);
        if (cmd.kind === 'add-server' && exists) return 'Destination already exists';
        if (cmd.kind === 'edit-server' && !exists) return 'No such destination';
        const bad = serverError(svc, cmd.server);
        if (bad) return bad;
        this.work++;
        svc.servers.set(rk, cloneServer(cmd.server));
        return undefined;
      }
      case 'delete-server': {
        const svc = this.services.get(serviceKeyString(cmd.key));
        if (!svc) return 'Service not defined';
        if (!svc.servers.delete(realServerKeyString(cmd.server))) return 'No such destination';
        this.work++;
        return undefined;
      }
      case 'set-timeout':
      case 'start-daemon':
      case 'stop-daemon':
        return undefined; // not part of the table
    }
  }

  snapshot(): IpvsTable {
    const services: IpvsService[] = [];
    for (const s of this.services.values()) {
      this.work += s.servers.size;
      services.push(s.toService());
    }
    return { services };
  }
}

/** The kernel's checks in ip_vs_add_dest / ip_vs_edit_dest. */
function serverError(svc: Pick<IpvsService, 'key'>, rs: IpvsRealServer): IpvsError | undefined {
  if (rs.lowerThreshold > rs.upperThreshold) return 'Numerical result out of range';
  if (rs.method === 'tun' && rs.tunnel?.type === 'gue' && !rs.tunnel.port) return 'Invalid operation.  Possibly wrong module version, address not unicast, ...';
  if (rs.family !== svc.key.family && rs.method !== 'tun') return 'Invalid operation.  Possibly wrong module version, address not unicast, ...';
  return undefined;
}

/** Applies commands in order, as `ipvsadm -R` would (a failing command is reported and skipped). */
export function applyCommands(table: IpvsTable, commands: readonly IpvsCommand[]): ApplyOutcome {
  const m = new IpvsMachine(table);
  const errors = commands.map((c) => m.apply(c));
  return { table: m.snapshot(), errors };
}

export function applyCommand(table: IpvsTable, command: IpvsCommand): { table: IpvsTable; error?: IpvsError } {
  const { table: out, errors } = applyCommands(table, [command]);
  return errors[0] ? { table: out, error: errors[0] } : { table: out };
}
