/**
 * One SSH connection per host, shared by every command to that host, closed after it has been idle for a
 * while (or when the pool closes). A dropped connection is forgotten, so the next command reconnects.
 */
import { connect } from './connect';
import type { ConnectOptions, SshConnection } from './connect';
import { runCommand } from './runCommand';
import type { RemoteCommand } from './remoteCommand';
import { runOnHosts } from './runOnHosts';
import type { HostOutcome } from './runOnHosts';
import type { ResolvedHost } from './types';

export interface PoolOptions extends ConnectOptions {
  /** How a host name (of the cluster file) becomes connection settings: usually `resolveHost`. */
  resolve(host: string): Promise<ResolvedHost>;
  /** Close a connection this long after its last command ended (default 60 s). */
  idleTimeoutMs?: number;
}

interface Entry {
  connection: Promise<SshConnection>;
  busy: number;
  idleTimer?: NodeJS.Timeout;
}

export class SshPool {
  private readonly entries = new Map<string, Entry>();
  private closing = false;

  constructor(private readonly options: PoolOptions) {}

  /** Runs a command on a host, reusing the host's connection. */
  async run<T>(host: string, command: RemoteCommand<T>): Promise<T> {
    return this.withConnection(host, (conn) => runCommand(conn, command, this.options));
  }

  /** `run` on many hosts, `concurrency` at a time (default 8); one outcome per host, in order. */
  runOnHosts<T>(hosts: readonly string[], command: (host: string) => RemoteCommand<T>, options: { concurrency?: number } = {}): Promise<HostOutcome<T>[]> {
    return runOnHosts(hosts, (host) => this.run(host, command(host)), options);
  }

  async withConnection<T>(host: string, use: (conn: SshConnection) => Promise<T>): Promise<T> {
    if (this.closing) throw new Error('the SSH pool is closed');
    let entry = this.entryFor(host);
    entry.busy++;
    if (entry.idleTimer) { clearTimeout(entry.idleTimer); delete entry.idleTimer; }
    try {
      let conn = await entry.connection;
      if (conn.closed) {
        // Dropped, and its close not yet seen by the entry: forget it and connect again.
        entry.busy--;
        if (this.entries.get(host) === entry) this.entries.delete(host);
        entry = this.entryFor(host);
        entry.busy++;
        conn = await entry.connection;
      }
      return await use(conn);
    } finally {
      entry.busy--;
      if (entry.busy === 0 && this.entries.get(host) === entry) {
        entry.idleTimer = setTimeout(() => this.closeHost(host), this.options.idleTimeoutMs ?? 60_000);
        entry.idleTimer.unref();
      }
    }
  }

  /** Hosts with an open (or opening) connection. */
  openHosts(): string[] {
    return [...this.entries.keys()];
  }

  closeHost(host: string): void {
    const entry = this.entries.get(host);
    if (!entry) return;
    this.entries.delete(host);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.connection.then((c) => c.close(), () => undefined);
  }

  close(): void {
    this.closing = true;
    for (const host of [...this.entries.keys()]) this.closeHost(host);
  }

  private entryFor(host: string): Entry {
    const existing = this.entries.get(host);
    if (existing) return existing;
    const connection = this.options.resolve(host).then((resolved) => connect(resolved, this.options));
    const entry: Entry = { connection, busy: 0 };
    this.entries.set(host, entry);
    connection.then(
      (conn) => conn.onClose(() => { if (this.entries.get(host) === entry) this.entries.delete(host); }),
      () => { if (this.entries.get(host) === entry) this.entries.delete(host); },
    );
    return entry;
  }
}
