/**
 * The netns SSH-host fixture (test/support/netnsHosts.ts): 3 hosts with real sshd, reached
 * with the OpenSSH client through 127.0.0.1 forwards and through a ProxyCommand; isolated
 * from the machine's own network namespace; torn down without leftovers.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createNetnsHosts, netnsHostsSkipReason } from '../support/netnsHosts';

function ssh(args: string[], command: string) {
  const r = spawnSync('ssh', [...args, command], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.status };
}

test('netns hosts: 3 sshd hosts, reachable over SSH, isolated, cleaned up', { skip: netnsHostsSkipReason() }, async () => {
  const hostRoutesBefore = spawnSync('ip', ['route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout;
  const hostAddrsBefore = spawnSync('ip', ['-o', 'addr'], { encoding: 'utf8' }).stdout;
  const hostLinksBefore = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;

  const nh = await createNetnsHosts({ count: 3, users: ['alice'] });
  try {
    assert.equal(nh.hosts.length, 3);
    for (const [i, h] of nh.hosts.entries()) {
      // Through the 127.0.0.1 forward, strict host key checking against the generated keys.
      const r = ssh(nh.sshArgs(i), 'hostname; ip -o -4 addr show dev eth0');
      assert.equal(r.code, 0, `ssh ${h.name}: ${r.stderr}`);
      const [name, addrLine] = r.stdout.split('\n');
      assert.equal(name, h.name);
      assert.match(addrLine ?? '', new RegExp(`inet ${h.address.replace(/\./g, '\\.')}/`));

      // An extra user.
      const u = ssh(nh.sshArgs(i, 'alice'), 'id -un');
      assert.equal(u.code, 0, `ssh alice@${h.name}: ${u.stderr}`);
      assert.equal(u.stdout.trim(), 'alice');

      // Through the ProxyCommand, addressed by the host's own address.
      const p = ssh(
        [
          '-F', '/dev/null', '-i', nh.identityFile, '-o', 'IdentitiesOnly=yes',
          '-o', `UserKnownHostsFile=${nh.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null',
          '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
          '-o', `ProxyCommand=${nh.proxyCommand(i)}`, `root@${h.address}`,
        ],
        'cat /proc/sys/kernel/hostname',
      );
      assert.equal(p.code, 0, `ssh via ProxyCommand to ${h.name}: ${p.stderr}`);
      assert.equal(p.stdout.trim(), h.name);

      // exec() runs in the host's network namespace: no route out of it.
      const routes = await nh.exec(i, 'ip route show; ip -6 route show | grep -v "^fe80\\|^multicast" || true');
      assert.doesNotMatch(routes.stdout, /default/);
      const out = await nh.exec(i, 'ip route get 192.0.2.1 2>&1 || true');
      assert.match(out.stdout, /unreachable/i);
    }
    // Hosts reach each other over the bridge (inside the namespaces only).
    const hop = await nh.exec(0, `timeout 5 socat -u TCP:${nh.hosts[1]!.address}:22,connect-timeout=3 STDOUT | head -c 7`);
    assert.equal(hop.stdout, 'SSH-2.0');

    // The machine's own namespace is untouched: no new address, route or link.
    assert.equal(spawnSync('ip', ['-o', 'addr'], { encoding: 'utf8' }).stdout, hostAddrsBefore);
    assert.equal(spawnSync('ip', ['route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout, hostRoutesBefore);
    assert.equal(spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout, hostLinksBefore);
    const routeGet = spawnSync('ip', ['route', 'get', nh.hosts[0]!.address], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(routeGet, /dev (br0|h\d+)\b/, 'no specific route to the hosts');
  } finally {
    await nh.destroy();
  }

  const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(netns, new RegExp(`lvsT${process.pid}x`), 'namespaces left behind');
  const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(ps, new RegExp(`lvsT${process.pid}x`), 'processes left behind');
  assert.equal(fs.existsSync(nh.dir), false, 'temp dir left behind');
});
