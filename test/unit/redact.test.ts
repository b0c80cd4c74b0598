import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../src/core/redact';

test('Redactor: key blocks, named secrets and registered values become ***', () => {
  const r = new Redactor();
  r.add('hunter2-very-secret');
  r.add('abc'); // too short to register: would blank out ordinary words
  const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
  assert.equal(r.redact(`got ${key} done`), 'got -----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY----- done');
  assert.equal(r.redact('password=swordfish user=root'), 'password=*** user=root');
  assert.equal(r.redact('Passphrase: "two words" next'), 'Passphrase: *** next');
  assert.equal(r.redact('sudo said hunter2-very-secret is wrong'), 'sudo said *** is wrong');
  assert.equal(r.redact('abc exec ipvsadm -Ln'), 'abc exec ipvsadm -Ln');
  assert.equal(r.redact('director: exec ipvsadm -S -n'), 'director: exec ipvsadm -S -n');
});
