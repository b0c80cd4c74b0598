/** The remote lock's holder line: who holds a director's lock, as whoever waits for it reads it. */
import assert from 'node:assert/strict';
import { hostname, userInfo } from 'node:os';
import { test } from 'node:test';
import { holderInfo, localHolder } from '../../src/core/apply/remoteLock';

test('the holder line names the tool, the process, the user, the machine and the cluster', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  assert.equal(holderInfo({ user: 'alice', localHost: 'laptop', pid: 42, cluster: 'web', now }), 'lvsctl pid 42 by alice@laptop since 2026-12-02T12:00:00.000Z (cluster web)');
  assert.equal(holderInfo({ tool: 'VS Code (LVS)', user: 'alice', localHost: 'laptop', pid: 42, cluster: 'web', now }), 'VS Code (LVS) pid 42 by alice@laptop since 2026-12-02T12:00:00.000Z (cluster web)');
  // This process, as lvsctl and the extension name it (one builder; the extension no longer rewrites lvsctl's line).
  assert.match(localHolder('VS Code (LVS)', 'lab-web'), new RegExp(`^VS Code \\(LVS\\) pid ${process.pid} by ${userInfo().username}@${hostname().replace(/[.]/g, '\\.')} since \\S+ \\(cluster lab-web\\)$`));
  assert.match(localHolder('lvsctl', 'lab-web'), /^lvsctl pid \d+ by /);
});
