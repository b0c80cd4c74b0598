/** The rules renderer against ipvsadm itself: the lab's `ipvsadm -S -n` captures round-trip byte for byte. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { readIpvsFixture, rulesTable } from '../support/ipvsFixtures';

test('lab captures: ipvsadm -S -n round-trips byte for byte through parse + render', () => {
  const save = readIpvsFixture('lab', 'ipvsadm-save_-n.txt');
  assert.equal(renderRules(rulesTable(save)), save);
  for (const dir of ['dr', 'nat']) assert.equal(renderRules(rulesTable(readIpvsFixture(dir, 'ipvsadm-save_-n.txt'))), readIpvsFixture(dir, 'ipvsadm-save_-n.txt'));
  // -b is printed last, after -p/-M, --pe and -o; -p without a value is 360 s.
  assert.match(save, /^-A -u 10\.116\.0\.200:5061 -s sh -p 60 --pe sip -o -b sh-port$/m);
  assert.match(save, /^-A -f 9 -s wrr -p 100 -M 255\.255\.0\.0 -b flag-2$/m);
  assert.equal(rulesTable('-A -u 10.0.0.1:54 -s rr -p -o\n').services[0].persistence?.timeout, 360);
});
