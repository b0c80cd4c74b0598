/**
 * The connection table (`ipvsadm -Lnc`) on demand, never in the polling loop: one command, then paging and
 * filtering on our side. The table can hold hundreds of thousands of entries; only one page travels on.
 */
import type { ConnectionTable, IpvsConnection } from '../ipvs/connParser';
import { parseConnListing } from '../ipvs/connParser';
import { realServerKeyString } from '../ipvs/types';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';
import type { ConnectionRow, ConnectionsPage } from '../../shared/statsProtocol';

export function connectionsCommand(timeoutMs = 30_000): RemoteCommand<ConnectionTable> {
  return {
    argv: ['ipvsadm', '-Lnc'],
    timeoutMs,
    privileged: true,
    parse: (output: CommandOutput) => parseConnListing(output.stdout),
  };
}

export function connectionRow(c: IpvsConnection): ConnectionRow {
  return {
    protocol: c.protocol,
    client: realServerKeyString(c.client),
    virtual: realServerKeyString(c.virtual),
    destination: realServerKeyString(c.destination),
    state: c.state,
    expires: c.expires,
  };
}

/**
 * Filter: whitespace-separated words, every word must occur (case-insensitive) in the row's protocol, client,
 * virtual, destination or state (`rs1 ESTAB`, `10.116.0.11:80`, `fin_wait`).
 */
export function matchesFilter(row: ConnectionRow, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const text = `${row.protocol} ${row.client} ${row.virtual} ${row.destination} ${row.state}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

export function pageConnections(
  table: ConnectionTable,
  query: { director: string; filter: string; page: number; pageSize: number; fetchedAt: number },
): ConnectionsPage {
  const words = query.filter.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const pageSize = Math.max(1, Math.min(1000, Math.floor(query.pageSize)));
  const matched: ConnectionRow[] = [];
  for (const c of table.connections) {
    const row = connectionRow(c);
    if (matchesFilter(row, words)) matched.push(row);
  }
  const lastPage = Math.max(0, Math.ceil(matched.length / pageSize) - 1);
  const page = Math.max(0, Math.min(lastPage, Math.floor(query.page)));
  return {
    director: query.director,
    filter: query.filter,
    page,
    pageSize,
    total: table.connections.length,
    matched: matched.length,
    rows: matched.slice(page * pageSize, (page + 1) * pageSize),
    fetchedAt: query.fetchedAt,
  };
}
