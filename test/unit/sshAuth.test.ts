/** Authentication order and the auth handler's decisions; bounded fan-out; sudo detection. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AnyAuthMethod, AuthenticationType } from 'ssh2';
import { createAuthHandler } from '../../src/core/ssh/authHandler';
import { nextStepIndex, planAuth } from '../../src/core/ssh/authPlan';
import type { AuthStep } from '../../src/core/ssh/authPlan';
import { fingerprintOf } from '../../src/core/ssh/keyFingerprint';
import { sudoWantsPassword } from '../../src/core/ssh/runCommand';
import { runOnHosts } from '../../src/core/ssh/runOnHosts';
import type { SshPrompts } from '../../src/core/ssh/types';

const dir = mkdtempSync(join(tmpdir(), 'ssh-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const plainKey = join(dir, 'id_plain');
const encKey = join(dir, 'id_enc');
const PASS = 'correct horse 42';
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', plainKey]);
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASS, '-C', '', '-f', encKey]);
const fp = (path: string): string => fingerprintOf(Buffer.from(readFileSync(`${path}.pub`, 'utf8').split(' ')[1], 'base64'));

test('plan: none, agent, identity files (deduplicated), then keyboard-interactive and password', () => {
  assert.deepEqual(planAuth({ agentSocket: '/s', identityFiles: ['/a', '/b', '/a'], identitiesOnly: false, canAskPassword: true }), [
    { kind: 'none' }, { kind: 'agent', socket: '/s' }, { kind: 'key', path: '/a' }, { kind: 'key', path: '/b' },
    { kind: 'keyboard-interactive' }, { kind: 'password' },
  ]);
  assert.deepEqual(planAuth({ agentSocket: '/s', identityFiles: ['/a'], identitiesOnly: true, canAskPassword: false }),
    [{ kind: 'none' }, { kind: 'key', path: '/a' }], 'IdentitiesOnly: no agent; no prompt: no password methods');
  assert.deepEqual(planAuth({ identityFiles: [], identitiesOnly: false, canAskPassword: false }), [{ kind: 'none' }]);
});

test('next step skips what the server does not offer', () => {
  const steps: AuthStep[] = planAuth({ agentSocket: '/s', identityFiles: ['/a'], identitiesOnly: false, canAskPassword: true });
  assert.equal(nextStepIndex(steps, 0, null), 0);
  assert.equal(nextStepIndex(steps, 1, ['password']), 4);
  assert.equal(nextStepIndex(steps, 1, ['keyboard-interactive', 'publickey']), 1);
  assert.equal(nextStepIndex(steps, 0, ['publickey']), 1, 'none is only tried first');
  assert.equal(nextStepIndex(steps, 3, ['publickey']), -1);
});

/** Drives the handler as ssh2 would, each call answering "rejected, server offers `offers`". */
async function drive(steps: AuthStep[], prompts: SshPrompts, offers: AuthenticationType[], log: string[]): Promise<(AnyAuthMethod | false)[]> {
  const handler = createAuthHandler({ host: 'h1', user: 'root', steps, prompts, log: (l) => log.push(l), destination: () => ({ user: 'root', hostname: '10.0.0.1', port: 22, name: 'h1', hostKeyFingerprint: 'SHA256:x' }) });
  const picked: (AnyAuthMethod | false)[] = [];
  let left: AuthenticationType[] | null = null;
  for (let i = 0; i < 10; i++) {
    const m = await new Promise<AnyAuthMethod | false>((resolve) => {
      handler(left as AuthenticationType[], false, (x) => resolve(typeof x === 'object' ? x : false));
    });
    picked.push(m);
    if (m === false) break;
    left = offers;
  }
  return picked;
}

test('handler: agent first, then keys (missing skipped, encrypted asks), logs fingerprints, never secrets', async () => {
  const asked: string[] = [];
  const log: string[] = [];
  const steps = planAuth({ agentSocket: join(dir, 'agent.sock'), identityFiles: [join(dir, 'missing'), plainKey, encKey], identitiesOnly: false, canAskPassword: true });
  const picked = await drive(steps, {
    passphrase: async ({ keyPath }) => { asked.push(keyPath); return asked.length === 1 ? 'wrong' : PASS; },
    password: async () => 'hunter2',
  }, ['publickey', 'password'], log);
  assert.deepEqual(picked.map((m) => (m === false ? 'end' : m.type)), ['none', 'agent', 'publickey', 'publickey', 'password', 'end']);
  assert.deepEqual(asked, [encKey, encKey], 'wrong passphrase asked again');
  const text = log.join('\n');
  assert.ok(text.includes(`trying publickey ${plainKey} ssh-ed25519 ${fp(plainKey)}`));
  assert.ok(text.includes(`trying publickey ${encKey} ssh-ed25519 ${fp(encKey)}`));
  assert.ok(text.includes('wrong passphrase (attempt 1 of 3)'));
  assert.ok(!text.includes(PASS) && !text.includes('hunter2') && !text.includes('wrong\n'), 'no secret in the log');
  assert.ok(text.indexOf('trying agent') < text.indexOf('trying publickey'));
});

test('handler: encrypted key without a passphrase prompt, or declined, is skipped; no password prompt → no password', async () => {
  const log: string[] = [];
  const steps = planAuth({ identityFiles: [encKey], identitiesOnly: false, canAskPassword: false });
  assert.deepEqual((await drive(steps, {}, ['publickey'], log)).map((m) => (m === false ? 'end' : m.type)), ['none', 'end']);
  assert.ok(log.join('\n').includes('encrypted and no passphrase prompt'));
  const declined = await drive(steps, { passphrase: async () => undefined }, ['publickey'], []);
  assert.deepEqual(declined.map((m) => (m === false ? 'end' : m.type)), ['none', 'end']);
});

test('handler: keyboard-interactive answers each server prompt through the password prompt', async () => {
  const steps = planAuth({ identityFiles: [], identitiesOnly: false, canAskPassword: true });
  const seen: string[] = [];
  const picked = await drive(steps, { password: async ({ prompt }) => { seen.push(prompt); return 'pw'; } }, ['keyboard-interactive'], []);
  const ki = picked[1];
  assert.ok(ki !== false && ki.type === 'keyboard-interactive');
  const answers = await new Promise<string[]>((resolve) => ki.prompt('', '', '', [{ prompt: 'Password: ', echo: false }, { prompt: 'OTP: ', echo: true }], resolve));
  assert.deepEqual(answers, ['pw', 'pw']);
  assert.deepEqual(seen, ['Password: ', 'OTP: ']);
});

test('runOnHosts: bounded concurrency, one failure does not stop the others, order kept', async () => {
  let running = 0;
  let peak = 0;
  const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
  const outcomes = await runOnHosts(hosts, async (h) => {
    running++; peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    if (h === 'h3') throw new Error('boom on h3');
    return h.toUpperCase();
  }, { concurrency: 4 });
  assert.equal(peak, 4);
  assert.deepEqual(outcomes.map((o) => o.host), hosts);
  assert.equal(outcomes.filter((o) => !o.ok).length, 1);
  const bad = outcomes[3];
  assert.ok(!bad.ok && bad.error.message === 'boom on h3');
  const good = outcomes[4];
  assert.ok(good.ok && good.value === 'H4');
  const dflt = await runOnHosts(hosts, async () => { running++; peak = Math.max(peak, running); await new Promise((r) => setTimeout(r, 2)); running--; });
  assert.equal(dflt.length, 20);
});

test('sudo -n refusal is recognised from exit code 1 and sudo\'s message', () => {
  assert.ok(sudoWantsPassword({ exitCode: 1, stderr: 'sudo: a password is required\n' }));
  assert.ok(!sudoWantsPassword({ exitCode: 1, stderr: 'grep: nothing\n' }));
  assert.ok(!sudoWantsPassword({ exitCode: 0, stderr: 'a password is required' }));
});
