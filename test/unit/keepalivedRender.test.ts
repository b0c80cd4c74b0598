/** keepalived.conf rendering: golden output for the lab's pair, every key's mapping, determinism, and no injection. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { managedHeader } from '../../src/core/keepalived/keepalivedHeader';
import { kaSeconds, kaWord, UnsafeKeepalivedValue } from '../../src/core/keepalived/keepalivedWords';
import { renderKeepalivedConf, renderKeepalivedConfs } from '../../src/core/keepalived/renderKeepalivedConf';
import { EVERY_KEY, LAB_HA } from '../builders/keepalivedFiles';

function model(text: string): ClusterFile {
  const { model: m, diagnostics } = validateClusterFile(text);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), []);
  return m;
}

const GOLDEN_DIRECTOR = `# keepalived.conf of director director, cluster lab-ha: rendered by lvsctl (vscode-lvs) from lvs-ha.yaml.
# Do not edit: lvsctl apply replaces this file. Change the cluster file and apply instead.
# lvsctl-managed: cluster=lab-ha director=director

global_defs {
    router_id director
}

vrrp_track_file lvsctl_failover_lab-ha {
    file /etc/keepalived/lvsctl-failover.lab-ha
    weight 1
    init_file 0
}

vrrp_instance lab-ha {
    state BACKUP
    interface eth0
    virtual_router_id 116
    priority 150
    advert_int 1
    version 3
    track_file {
        lvsctl_failover_lab-ha
    }
    unicast_src_ip 10.116.0.10
    unicast_peer {
        10.116.0.13
    }
    virtual_ipaddress {
        10.116.0.201/32 dev eth0
    }
}

virtual_server 10.116.0.201 80 {
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 10.116.0.11 80 {
        weight 1
        HTTP_GET {
            url {
                path /
                status_code 200
            }
            connect_timeout 1
            retry 1
            delay_before_retry 1
            delay_loop 1
        }
    }
    real_server 10.116.0.12 80 {
        weight 1
        HTTP_GET {
            url {
                path /
                status_code 200
            }
            connect_timeout 1
            retry 1
            delay_before_retry 1
            delay_loop 1
        }
    }
}
`;

describe('renderKeepalivedConf', () => {
  it('renders the lab pair\'s director exactly (golden)', () => {
    assert.equal(renderKeepalivedConf({ model: model(LAB_HA), cluster: 'lab-ha', director: 'director', sourceLabel: 'lvs-ha.yaml' }), GOLDEN_DIRECTOR);
  });

  it('gives director2 the same file but its name, priority and unicast addresses', () => {
    const [a, b] = renderKeepalivedConfs(model(LAB_HA), 'lab-ha', 'lvs-ha.yaml');
    assert.deepEqual([a.director, b.director], ['director', 'director2']);
    const expected = GOLDEN_DIRECTOR.replace(/director director,/, 'director director2,').replace('director=director', 'director=director2')
      .replace('router_id director', 'router_id director2').replace('priority 150', 'priority 140')
      .replace('unicast_src_ip 10.116.0.10', 'unicast_src_ip 10.116.0.13').replace('        10.116.0.13\n', '        10.116.0.10\n');
    assert.equal(b.text, expected);
  });

  it('gives a lone director no unicast keywords (keepalived -t refuses unicast_src_ip without a peer)', () => {
    const lone = validateClusterFile(LAB_HA.replace('      - host: director2\n        interface: eth0\n', '')).model;
    assert.equal(lone.clusters[0]?.directors.length, 1);
    const text = renderKeepalivedConf({ model: lone, cluster: 'lab-ha', director: 'director', sourceLabel: 'lvs-ha.yaml' });
    assert.match(text, /^vrrp_instance lab-ha \{$/m);
    assert.doesNotMatch(text, /unicast_src_ip|unicast_peer/);
    const pair = renderKeepalivedConf({ model: model(LAB_HA), cluster: 'lab-ha', director: 'director', sourceLabel: 'lvs-ha.yaml' });
    assert.match(pair, /^    unicast_src_ip 10\.116\.0\.10$/m);
  });

  it('is deterministic: the same file twice, and after a reparse, gives the same bytes', () => {
    const once = renderKeepalivedConfs(model(EVERY_KEY), 'every', 'x.yaml');
    assert.deepEqual(renderKeepalivedConfs(model(EVERY_KEY), 'every', 'x.yaml'), once);
  });

  it('maps every key to its keepalived 2.x spelling', () => {
    const text = renderKeepalivedConf({ model: model(EVERY_KEY), cluster: 'every', director: 'director', sourceLabel: 'x.yaml' });
    const expectLines = [
      'enable_script_security', 'script_user root', 'lvs_sync_daemon eth0 every id 117', 'priority 200', 'advert_int 0.25', 'preempt_delay 2.5',
      '10.116.0.202/32 dev eth0 label eth0:ha', 'fd16:116::202/128 dev eth0', 'virtual_server 10.116.0.202 443 {',
      'lvs_sched sh', 'sh-fallback', 'sh-port', 'persistence_timeout 600', 'persistence_granularity 255.255.255.0',
      'quorum 2', 'hysteresis 1', 'sorry_server 10.116.0.99 443', 'uthreshold 100', 'lthreshold 10', 'SSL_GET {',
      'path /health?full=1', 'digest 9b3a0c85a887a256d6939da88aabd8cd', 'status_code 200 204', 'virtualhost www.example.com',
      'connect_timeout 1.5', 'retry 3', 'delay_before_retry 0.5', 'delay_loop 2.5', 'warmup 4', 'inhibit_on_failure',
      'connect_port 8443', 'protocol UDP', 'ops', 'lvs_method NAT', 'DNS_CHECK {', 'type A', 'name example.com',
      'lvs_method TUN type gue port 6080 nocsum', 'SMTP_CHECK {', 'MISC_CHECK {', 'misc_path /usr/local/bin/check-mail',
      'misc_timeout 3', 'virtual_server fwmark 7 {', 'mh-port', 'persistence_engine sip', 'real_server 10.116.0.11 0 {',
      'real_server 10.116.0.16 5060 {',
    ];
    const lines = new Set(text.split('\n').map((l) => l.trim()));
    for (const l of expectLines) assert.ok(lines.has(l), `missing "${l}" in\n${text}`);
    for (const old of ['lb_algo', 'lb_kind', 'nb_get_retry', 'lvs_flush', 'auth_pass', 'authentication']) assert.ok(!text.includes(old), old);
    const strict = renderKeepalivedConf({ model: model(EVERY_KEY), cluster: 'strict', director: 'director2', sourceLabel: 'x.yaml' });
    for (const l of ['vrrp_strict', 'nopreempt', 'accept', 'priority 140']) assert.ok(strict.split('\n').some((x) => x.trim() === l), l);
    assert.ok(!strict.includes('unicast'), 'multicast: no unicast peers');
  });

  it('carries the managed header, and a hand-written file has none', () => {
    const text = renderKeepalivedConf({ model: model(LAB_HA), cluster: 'lab-ha', director: 'director2', sourceLabel: 'a\nvirtual_server {' });
    assert.deepEqual(managedHeader(text), { cluster: 'lab-ha', director: 'director2' });
    assert.match(text.split('\n')[0], /from a_virtual_server \{\.$/);
    assert.equal(text.split('\n').filter((l) => l.includes('virtual_server {')).length, 1, 'the label stays inside the comment');
    assert.equal(managedHeader('global_defs {\n    router_id lb1\n}\n'), undefined);
  });

  it('refuses values that would change the configuration even if a model bypassed the validator', () => {
    for (const bad of ['a b', 'x{', '}', '"q"', '#c', '!c', '$VAR', 'a;b', 'a\ninclude /etc/passwd', '']) {
      assert.throws(() => kaWord(bad), UnsafeKeepalivedValue, JSON.stringify(bad));
    }
    assert.equal(kaWord('/health?x=1&y=2'), '/health?x=1&y=2');
    assert.deepEqual([kaSeconds(1), kaSeconds(0.25), kaSeconds(10), kaSeconds(0), kaSeconds(1 / 3)], ['1', '0.25', '10', '0', '0.333333']);
    const m = model(LAB_HA);
    const rs = m.clusters[0].services[0].realServers[0];
    if (rs.healthCheck) rs.healthCheck.path = '/\n}\ninclude /tmp/evil.conf';
    assert.throws(() => renderKeepalivedConf({ model: m, cluster: 'lab-ha', director: 'director', sourceLabel: 'x' }), UnsafeKeepalivedValue);
  });

  it('names what is wrong for an ipvsadm cluster or an unknown director', () => {
    const plain = model('version: 1\nhosts: [{ name: d, address: 10.0.0.1, interface: eth0 }]\nclusters: [{ name: web, directors: [{ host: d }] }]\n');
    assert.throws(() => renderKeepalivedConf({ model: plain, cluster: 'web', director: 'd', sourceLabel: 'x' }), /engine ipvsadm, not keepalived/);
    assert.throws(() => renderKeepalivedConf({ model: model(LAB_HA), cluster: 'lab-ha', director: 'rs1', sourceLabel: 'x' }), /not a director/);
  });
});

describe('lvsctl render --keepalived', () => {
  async function run(args: string[], files: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ka-render-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    let out = '';
    let err = '';
    const code = await main(args, { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } }, cwd: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    return { code, out, err };
  }

  it('prints one director\'s file exactly, or every director\'s with a separator line', async () => {
    const one = await run(['render', 'lvs-ha.yaml', '--keepalived', '--director', 'director'], { 'lvs-ha.yaml': LAB_HA });
    assert.deepEqual([one.code, one.out], [0, GOLDEN_DIRECTOR]);
    const both = await run(['render', 'lvs-ha.yaml', '--keepalived'], { 'lvs-ha.yaml': LAB_HA });
    assert.equal(both.code, 0);
    assert.deepEqual(both.out.split('\n').filter((l) => l.startsWith('# ==> ')), ['# ==> director <==', '# ==> director2 <==']);
  });

  it('exits 2 for a director of no such name and for an ipvsadm cluster; --director alone is a usage error', async () => {
    const bad = await run(['render', 'lvs-ha.yaml', '--keepalived', '--director', 'rs1'], { 'lvs-ha.yaml': LAB_HA });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /'rs1' is not a director of cluster 'lab-ha'/);
    const plain = await run(['render', 'c.lvs.yaml', '--keepalived'], { 'c.lvs.yaml': 'version: 1\nhosts: [{ name: d, address: 10.0.0.1, interface: eth0 }]\nclusters: [{ name: web, directors: [{ host: d }] }]\n' });
    assert.equal(plain.code, 2);
    assert.match(plain.err, /engine ipvsadm/);
    const usage = await run(['render', 'lvs-ha.yaml', '--director', 'director'], { 'lvs-ha.yaml': LAB_HA });
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--director needs --keepalived/);
  });
});
