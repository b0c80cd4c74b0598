/** Live weight changes (core/operations/serverWeight.ts): the -e line keeps every live field but the weight. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWeight, findServer, weightLine } from '../../src/core/operations/serverWeight';
import { parseRules } from '../../src/core/ipvs/rulesParser';

test('weightLine keeps every live field but the weight (ipvsadm -e resets what it is not given)', () => {
  const t = parseRules('-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 5 --tun-type gue --tun-port 6080 --tun-csum\n-a -t 10.0.0.1:80 -r 10.0.1.2:8080 -m -w 3 -x 100 -y 10\n').table;
  const tun = findServer(t, 'tcp:10.0.0.1:80', '10.0.1.1:80');
  assert.ok(tun);
  assert.equal(weightLine(tun.service, tun.server, 0), '-e -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 0 -x 0 -y 0 --tun-type gue --tun-port 6080 --tun-csum');
  const nat = findServer(t, 'tcp:10.0.0.1:80', '10.0.1.2:8080');
  assert.ok(nat);
  assert.equal(weightLine(nat.service, nat.server, 7), '-e -t 10.0.0.1:80 -r 10.0.1.2:8080 -m -w 7 -x 100 -y 10');
  assert.equal(findServer(t, 'tcp:10.0.0.1:80', '10.0.1.3:80'), undefined);
  assert.equal(checkWeight(0), undefined);
  assert.equal(checkWeight(65535), undefined);
  for (const bad of [-1, 65536, 1.5, Number.NaN]) assert.match(checkWeight(bad) ?? '', /whole number from 0 to 65535/);
});
