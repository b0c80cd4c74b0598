/** The connection table on demand (src/core/stats/connections.ts): one `ipvsadm -Lnc`, filtered and paged. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConnListing } from '../../src/core/ipvs/connParser';
import { connectionsCommand, pageConnections } from '../../src/core/stats/connections';
import { fixture } from '../support/statsReadingText';

describe('connection table on demand', () => {
  test('ipvsadm -Lnc once, then filter and pages of it', () => {
    assert.deepEqual(connectionsCommand().argv, ['ipvsadm', '-Lnc']);
    const table = parseConnListing(fixture('dr', 'ipvsadm_-Lnc.txt'));
    const all = pageConnections(table, { director: 'd', filter: '', page: 0, pageSize: 10, fetchedAt: 1 });
    assert.equal(all.total, table.connections.length);
    assert.equal(all.rows.length, 10);
    const est = pageConnections(table, { director: 'd', filter: 'established', page: 0, pageSize: 10, fetchedAt: 1 });
    assert.ok(est.matched >= 1 && est.rows.every((r) => r.state === 'ESTABLISHED'));
    const rs1 = pageConnections(table, { director: 'd', filter: '10.116.0.11:80 fin', page: 99, pageSize: 5, fetchedAt: 1 });
    assert.ok(rs1.matched > 0);
    assert.equal(rs1.page, Math.ceil(rs1.matched / 5) - 1, 'a page past the end shows the last page');
    assert.ok(rs1.rows.every((r) => r.destination === '10.116.0.11:80' && r.state === 'FIN_WAIT'));
  });
});
