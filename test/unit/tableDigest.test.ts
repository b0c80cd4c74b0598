/** The table's digest (tableDigest.ts): the generation and the table count, the connection counters do not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripCounters, tableDigest } from '../../src/core/apply/tableDigest';

const PROC = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn',
  'TCP  0A010101:0050 mh  persistent 15000 FFFFFF00',
  '  -> 0A74000C:0050      Masq    2      17         3         ',
  '  -> 0A74000B:0050      Tunnel  3      0          0         ',
  'UDP  0A010102:0035 wrr ops  persistent 7500 FFFFFFFF',
  'FWM  00000007 rr ',
  '',
].join('\n');

test('stripCounters drops ActiveConn/InActConn of real-server lines and keeps every other line', () => {
  assert.equal(stripCounters('TCP  0A010101:0050 rr \n  -> 0A74000C:0050      Masq    2      17         3         \n'), 'TCP  0A010101:0050 rr \n-> 0A74000C:0050 Masq 2\n');
  assert.equal(stripCounters(''), '');
});

test('tableDigest: counters do not change it; a weight, a service or the generation does', () => {
  assert.equal(tableDigest('g', PROC), tableDigest('g', PROC.replace('      17         3 ', '      0          99 ')));
  assert.notEqual(tableDigest('g', PROC), tableDigest('g', PROC.replace('Masq    2', 'Masq    3')));
  assert.notEqual(tableDigest('g', PROC), tableDigest('g', PROC.replace('FWM  00000007 rr \n', '')));
  assert.notEqual(tableDigest('g', PROC), tableDigest('h', PROC));
  assert.notEqual(tableDigest('', ''), tableDigest('', PROC));
});
