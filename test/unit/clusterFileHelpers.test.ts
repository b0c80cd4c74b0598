/** The cluster file's small helpers: shell-safe allow-lists, removal spans; and scale. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { removalSpan } from '../../src/core/clusterFile/quickFixes';
import { isInterfaceName, isName, isProxyJump, isSafePath, isSshHost, isUserName, isVipLabel } from '../../src/core/clusterFile/stringRules';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { generateClusterFileText } from '../builders/clusterFileText';

describe('shell-safe allow-lists', () => {
  it('interface names and labels', () => {
    for (const ok of ['eth0', 'ens3', 'bond0.100', 'br-lan', 'enp0s31f6', 'a23456789012345']) assert.ok(isInterfaceName(ok), ok);
    for (const bad of ['', '.', '..', 'eth0:1', 'eth 0', 'eth0;ls', '$(id)', 'a/b', '-eth0', 'a234567890123456']) assert.ok(!isInterfaceName(bad), bad);
    for (const ok of ['eth0', 'eth0:1', 'eth0:vip']) assert.ok(isVipLabel(ok), ok);
    for (const bad of ['eth0:', 'eth0:1 x', 'eth0:`id`', 'eth0:123456789012']) assert.ok(!isVipLabel(bad), bad);
  });
  it('names, users, paths, ssh hosts, proxyJump', () => {
    assert.ok(isName('node-1.dc_2') && !isName('-x') && !isName('a b') && !isName('a;b'));
    assert.ok(isUserName('root') && isUserName('_svc') && !isUserName('r$') && !isUserName('-oX'));
    assert.ok(isSafePath('~/.ssh/id_ed25519') && isSafePath('/etc/k') && !isSafePath('~/my key') && !isSafePath('-i') && !isSafePath('a;b') && !isSafePath('$HOME/k'));
    assert.ok(isSshHost('10.0.0.1') && isSshHost('fd00::1') && isSshHost('a.example.org') && !isSshHost('-oProxyCommand=x') && !isSshHost('a b'));
    assert.ok(isProxyJump('bastion') && isProxyJump('ops@jump:2222') && isProxyJump('a,b@c:22') && isProxyJump('[fd00::1]:22'));
    assert.ok(!isProxyJump('a;b') && !isProxyJump('x:99999') && !isProxyJump('') && !isProxyJump('-J'));
  });
});

describe('removalSpan', () => {
  it('removes a block sequence item with its line', () => {
    const text = 'a:\n  - x: 1\n    y: 2\n  - x: 3\n';
    const start = text.indexOf('x: 3');
    assert.deepEqual(removalSpan(text, start, text.length), [text.indexOf('  - x: 3'), text.length]);
  });
  it('removes a flow sequence item with its comma', () => {
    const text = 'a: [rr, wrr, rr]\n';
    const start = text.lastIndexOf('rr');
    const [from, to] = removalSpan(text, start, start + 2);
    assert.equal(text.slice(0, from) + text.slice(to), 'a: [rr, wrr]\n');
  });
});

describe('scale', () => {
  it('a generated 300 × 10 file is clean and fully modelled', () => {
    const text = generateClusterFileText({ services: 300, realServersPerService: 10 });
    const { model, diagnostics } = validateClusterFile(text);
    assert.deepEqual(diagnostics, []);
    assert.equal(model.clusters[0].services.length, 300);
    assert.equal(model.clusters[0].services.reduce((n, s) => n + s.realServers.length, 0), 3000);
  });
  it('duplicate detection stays linear: 2 000 duplicate real servers in one service', () => {
    const rs = Array.from({ length: 2000 }, () => '          - address: 10.0.0.9').join('\n');
    const text = `version: 1\nclusters:\n  - name: c\n    directors: []\n    services:\n      - protocol: tcp\n        vip: 10.0.0.100\n        port: 80\n        realServers:\n${rs}\n`;
    const started = performance.now();
    const { diagnostics } = validateClusterFile(text);
    assert.equal(diagnostics.filter((d) => d.code === 'LVS023').length, 1999);
    assert.ok(performance.now() - started < 5000);
  });
});
