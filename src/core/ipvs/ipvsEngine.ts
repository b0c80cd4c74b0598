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

function fromSettings(s: IpvsServiceSettings, realServers: IpvsRealServer[]): IpvsService {
  const out: IpvsService = { key: s.key, scheduler: s.scheduler, schedFlags: [...s.schedFlags], onePacket: s.onePacket, realServers };
  if (s.persistence) out.persistence = { ...s.persistence };
  if (s.pe) out.pe = s.pe;
  return out;
}

/** A mutable working copy with indexes, for applying long command streams in linear time. */
export class IpvsMachine {
  private readonly services = new Map<string, IpvsService>();
  private readonly dests = new Map<string, Map<string, number>>();

  constructor(table: IpvsTable = { services: [] }) {
    for (const s of table.services) {
      const copy: IpvsService = { ...s, schedFlags: [...s.schedFlags], realServers: s.realServers.map(cloneServer) };
      if (s.persistence) copy.persistence = { ...s.persistence };
      const k = serviceKeyString(s.key);
      this.services.set(k, copy);
      this.dests.set(k, new Map(copy.realServers.map((rs, i) => [realServerKeyString(rs), i])));
    }
  }

  service(key: ServiceKey): IpvsService | undefined {
    return this.services.get(serviceKeyString(key));
  }

  realServer(key: ServiceKey, ref: RealServerRef): IpvsRealServer | undefined {
    const k = serviceKeyString(key);
    const i = this.dests.get(k)?.get(realServerKeyString(ref));
    return i === undefined ? undefined : this.services.get(k)?.realServers[i];
  }

  apply(cmd: IpvsCommand): IpvsError | undefined {
    switch (cmd.kind) {
      case 'add-service': {
        const k = serviceKeyString(cmd.service.key);
        if (this.services.has(k)) return 'Service already exists';
        this.services.set(k, fromSettings(cmd.service, []));
        this.dests.set(k, new Map());
        return undefined;
      }
      case 'edit-service': {
        const k = serviceKeyString(cmd.service.key);
        const old = this.services.get(k);
        if (!old) return 'No such service';
        this.services.set(k, fromSettings(cmd.service, old.realServers));
        return undefined;
      }
      case 'delete-service': {
        const k = serviceKeyString(cmd.key);
        if (!this.services.delete(k)) return 'No such service';
        this.dests.delete(k);
        return undefined;
      }
      case 'flush':
        this.services.clear();
        this.dests.clear();
        return undefined;
      case 'zero':
        return cmd.key && !this.services.has(serviceKeyString(cmd.key)) ? 'No such service' : undefined;
      case 'add-server':
      case 'edit-server': {
        const k = serviceKeyString(cmd.key);
        const svc = this.services.get(k);
        const index = this.dests.get(k);
        if (!svc || !index) return 'Service not defined';
        const rk = realServerKeyString(cmd.server);
        const i = index.get(rk);
        if (cmd.kind === 'add-server' && i !== undefined) return 'Destination already exists';
        if (cmd.kind === 'edit-server' && i === undefined) return 'No such destination';
        const bad = serverError(svc, cmd.server);
        if (bad) return bad;
        if (i === undefined) {
          index.set(rk, svc.realServers.length);
          svc.realServers.push(cloneServer(cmd.server));
        } else {
          svc.realServers[i] = cloneServer(cmd.server);
        }
        return undefined;
      }
      case 'delete-server': {
        const k = serviceKeyString(cmd.key);
        const svc = this.services.get(k);
        const index = this.dests.get(k);
        if (!svc || !index) return 'Service not defined';
        const i = index.get(realServerKeyString(cmd.server));
        if (i === undefined) return 'No such destination';
        svc.realServers.splice(i, 1);
        index.clear();
        svc.realServers.forEach((rs, j) => index.set(realServerKeyString(rs), j));
        return undefined;
      }
      case 'set-timeout':
      case 'start-daemon':
      case 'stop-daemon':
        return undefined; // not part of the table
    }
  }

  snapshot(): IpvsTable {
    return {
      services: [...this.services.values()].map((s) => {
        const copy: IpvsService = { ...s, schedFlags: [...s.schedFlags], realServers: s.realServers.map(cloneServer) };
        if (s.persistence) copy.persistence = { ...s.persistence };
        return copy;
      }),
    };
  }
}

/** The kernel's checks in ip_vs_add_dest / ip_vs_edit_dest. */
function serverError(svc: IpvsService, rs: IpvsRealServer): IpvsError | undefined {
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
