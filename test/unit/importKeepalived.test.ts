/**
 * keepalived.conf import: Debian's sample corpus, the configurations the lab's lvs-ha.yaml renders to and a
 * hand-written MASTER/BACKUP pair with includes → import → the cluster file validates with zero errors →
 * rendered again with the keepalived renderer → read back: every service, real server, effective health
 * check and VRRP setting the renderer writes is what keepalived ran from the input; whatever differs, or was
 * left out, is named by a warning (file and line).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { importKeepalivedConfs, readKeepalivedConf } from '../../src/core/import/keepalivedImport';
import type { KeepalivedSite, SiteService } from '../../src/core/import/keepalivedSiteTypes';
import type { IncludeFileSystem } from '../../src/core/keepalivedConf/includeResolver';
import { renderKeepalivedConf } from '../../src/core/keepalived/renderKeepalivedConf';

const SAMPLES = resolve(__dirname, '../../../test/fixtures/keepalived/samples');
const IMPORT = resolve(__dirname, '../../../test/fixtures/keepalived/import');

const diskFs: IncludeFileSystem = {
  readDir: (p) => { try { return readdirSync(p); } catch { return undefined; } },
  isDirectory: (p) => { try { return statSync(p).isDirectory(); } catch { return false; } },
  readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
};

function memoryFs(files: Record<string, string>): IncludeFileSystem {
  return {
    readDir: (dir) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set(Object.keys(files).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('/')[0]));
      return names.size > 0 ? [...names] : undefined;
    },
    isDirectory: (p) => Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    readFile: (p) => files[p],
  };
}

const key = (s: SiteService): string => (s.key.kind === 'fwmark' ? `fwmark ${s.key.fwmark}` : `${s.key.protocol} ${s.key.address}:${s.key.port}`);
/** A service as keepalived runs it, without source locations. */
function semantics(s: SiteService): unknown {
  return JSON.parse(JSON.stringify({ ...s, at: undefined, realServers: s.realServers.map((rs) => ({ ...rs, at: undefined })) }));
}

function validModel(text: string): ClusterFile {
  const v = validateClusterFile(text);
  const errors = v.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => `${d.code} ${d.message}`), [], text);
  return v.model;
}

/** Every director's rendered configuration of every imported cluster, read back as a site. */
function rendered(model: ClusterFile): { cluster: string; director: string; site: KeepalivedSite; text: string }[] {
  return model.clusters.flatMap((c) => c.directors.map((d) => {
    const text = renderKeepalivedConf({ model, cluster: c.name, director: d.host, sourceLabel: 'imported.yaml' });
    return { cluster: c.name, director: d.host, site: readKeepalivedConf(`rendered-${d.host}`, text), text };
  }));
}

/**
 * The round trip: `inputs` (one site per director, in order) against what the imported file renders. Every
 * rendered service is the input's (same key, same semantics, unless a warning names its line); every input
 * service or VIP that is not rendered is named by a warning; the VRRP settings are the input's.
 */
function assertRoundTrip(inputs: KeepalivedSite[], warnings: string[], model: ClusterFile): void {
  const warned = (needle: string): boolean => warnings.some((w) => w.includes(needle));
  const out = rendered(model);
  for (const [i, input] of inputs.entries()) {
    const director = model.clusters.flatMap((c) => c.directors).map((d) => d.host);
    const mine = out.filter((o) => o.director === director[i] || inputs.length === 1);
    assert.deepEqual(mine.flatMap((o) => o.site.warnings), [], 'the renderer writes nothing the import would not read back');
    const renderedServices = new Map(mine.flatMap((o) => o.site.services).map((s) => [key(s), s]));
    for (const s of input.services) {
      const back = renderedServices.get(key(s));
      const line = `${s.at.file}:${s.at.line}`;
      if (!back) {
        const needle = s.key.kind === 'fwmark' ? `fwmark ${s.key.fwmark}` : `${s.key.address}:${s.key.port}`;
        assert.ok(warned(needle), `${input.file}: ${key(s)} is not rendered and no warning names it:\n${warnings.join('\n')}`);
        continue;
      }
      const expected = semantics(s) as { realServers: { address: string; port: number }[]; sorryServer?: unknown };
      const actual = semantics(back) as { realServers: { address: string; port: number }[]; sorryServer?: unknown };
      // Real servers or checks the import left out are warned about at their line.
      const rsWarned = (rs: { address: string; port: number }): boolean => warned(`real_server ${rs.address} ${rs.port}`) || warned(`real server ${rs.address}`);
      expected.realServers = expected.realServers.filter((rs, j) => !rsWarned(rs) || JSON.stringify(rs) === JSON.stringify(actual.realServers[j]));
      actual.realServers = actual.realServers.filter((rs) => expected.realServers.some((e) => e.address === rs.address && e.port === rs.port));
      if (expected.sorryServer && !actual.sorryServer) assert.ok(warned(`${line}: `), `${line}: sorry server lost without a warning`);
      else assert.deepEqual(actual, expected, `${line}: ${key(s)} renders differently`);
    }
    for (const inst of input.instances) {
      const cluster = model.clusters.find((c) => c.directors.length > 0 && mine.some((o) => o.cluster === c.name)
        && (c.name === inst.name || c.vrrp?.virtualRouterId === inst.virtualRouterId));
      const back = cluster ? mine.find((o) => o.cluster === cluster.name)?.site.instances[0] : undefined;
      if (!back) {
        assert.ok(warned(`vrrp_instance ${inst.name}`), `${input.file}: instance ${inst.name} is not rendered and no warning names it`);
        continue;
      }
      const where = `${inst.at.file}:${inst.at.line}`;
      assert.equal(back.virtualRouterId, inst.virtualRouterId, where);
      assert.equal(back.advertInterval, inst.advertInterval, where);
      assert.equal(back.priority, inst.priority, where);
      assert.equal(back.preempt, inst.preempt, where);
      if (inst.preempt) assert.equal(back.preemptDelay, inst.preemptDelay, where);
      assert.equal(back.accept, inst.accept, where);
      assert.equal(back.interface, inst.interface ?? 'eth0', where);
      assert.equal(back.peers.length === 0, inst.peers.length === 0, `${where}: unicast or multicast as before`);
      if (back.version !== inst.version) assert.ok(warned(`${where}: vrrp_instance ${inst.name} speaks VRRP version`), where);
      const inputVips = [...inst.vips, ...inst.excluded].map((v) => v.address);
      const backVips = [...back.vips, ...back.excluded].map((v) => v.address);
      for (const v of inputVips) if (!backVips.includes(v)) assert.ok(warned(`VIP ${v}`), `${where}: VIP ${v} dropped without a warning`);
      for (const v of backVips) if (!inputVips.includes(v)) assert.ok(warned('its address is in no virtual_ipaddress'), `${where}: VIP ${v} added without a warning`);
    }
  }
}

test('Debian\'s sample corpus: every sample imports with 0 errors and renders back what keepalived ran, or says what it left out', () => {
  const samples = readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf'));
  assert.equal(samples.length, 25);
  let services = 0;
  let clusters = 0;
  for (const f of samples) {
    const text = readFileSync(join(SAMPLES, f), 'utf8');
    const site = readKeepalivedConf(f, text);
    const r = importKeepalivedConfs([{ path: f, text }], [`Imported from ${f}`]);
    const model = validModel(r.text);
    clusters += model.clusters.length;
    services += model.clusters.reduce((n, c) => n + c.services.length, 0);
    // Never silently dropped: each warning names the sample and a line.
    for (const w of r.draft.warnings) assert.match(w, new RegExp(`(^|[ (])${f.replace(/\./g, '\\.')}:\\d+: |^cluster \\S+ \\(services .* at ${f.replace(/\./g, '\\.')}:\\d+`), w);
    assertRoundTrip([site], r.draft.warnings, model);
  }
  assert.deepEqual([clusters, services], [13, 14], 'clusters and services imported from the corpus (the rest: VRRP-only instances, groups, IPv6 without an IPv6 director address: warned)');
});

test('the corpus\'s losses are warnings at their lines: authentication, notify and track scripts, virtual_server_group, a second url, MISC_CHECK arguments', () => {
  const warningsOf = (f: string): string[] => {
    const text = readFileSync(join(SAMPLES, f), 'utf8');
    return importKeepalivedConfs([{ path: f, text }], []).draft.warnings;
  };
  const ssl = warningsOf('keepalived.conf.SSL_GET');
  assert.ok(ssl.some((w) => /^keepalived\.conf\.SSL_GET:19: "authentication" \{ … \} in vrrp_instance VI_1 is not imported/.test(w)), ssl.join('\n'));
  assert.ok(ssl.some((w) => w.startsWith('keepalived.conf.SSL_GET:44: "url"')), 'the second url of SSL_GET');
  assert.ok(warningsOf('keepalived.conf.virtual_server_group').some((w) => /virtual_server_group is not part of the cluster file/.test(w)));
  assert.ok(warningsOf('keepalived.conf.vrrp.localcheck').some((w) => /"vrrp_script \S+" \{ … \}.*not imported: VRRP tracking scripts/.test(w)));
  assert.ok(warningsOf('keepalived.conf.vrrp.sync').some((w) => /notify scripts are not part of the cluster file|vrrp_sync_group/.test(w)));
  assert.ok(warningsOf('keepalived.conf.misc_check_arg').some((w) => /misc_path .* is not one absolute path without arguments/.test(w)));
  assert.ok(warningsOf('keepalived.conf.PING_CHECK').some((w) => /PING_CHECK has no health check type/.test(w)));
});

test('the lab\'s lvs-ha.yaml: its two rendered keepalived.conf import back into the same cluster, which renders the same bytes', () => {
  const original = validModel(readFileSync(join(IMPORT, 'lab-ha.lvs.yaml'), 'utf8'));
  const confs = ['director', 'director2'].map((d) => ({
    path: `/etc/keepalived/keepalived.conf@${d}`, name: d,
    text: renderKeepalivedConf({ model: original, cluster: 'lab-ha', director: d, sourceLabel: 'lvs-ha.yaml' }),
  }));
  const r = importKeepalivedConfs(confs, ['Imported from the lab']);
  assert.deepEqual(r.draft.warnings, [], 'a rendered pair loses nothing');
  const model = validModel(r.text);
  assert.equal(model.clusters.length, 1);
  const [a, b] = [original.clusters[0], model.clusters[0]];
  assert.equal(b.name, 'lab-ha');
  assert.equal(b.engine, 'keepalived');
  assert.deepEqual(b.vrrp, a.vrrp);
  assert.deepEqual(b.directors.map((d) => [d.host, d.interface, d.priority]), a.directors.map((d) => [d.host, d.interface, d.priority]));
  const svc = (m: ClusterFile): unknown => m.clusters[0].services.map((s) => ({
    vip: s.vip, port: s.port, protocol: s.protocol, scheduler: s.scheduler,
    realServers: s.realServers.map((rs) => ({ address: rs.address, port: rs.port, method: rs.method, weight: rs.weight, check: rs.healthCheck })),
  }));
  assert.deepEqual(svc(model), svc(original));
  const body = (t: string): string => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  for (const c of confs) {
    assert.equal(body(renderKeepalivedConf({ model, cluster: 'lab-ha', director: c.name, sourceLabel: 'imported.yaml' })), body(c.text), `${c.name}: same configuration`);
  }
});

test('a hand-written MASTER/BACKUP pair with includes: VRRP, checks of every type, sorry server, quorum; its losses named by file and line', () => {
  const files = ['lvs1.conf', 'lvs2.conf'].map((f) => join(IMPORT, 'pair', f));
  const sources = files.map((p) => ({ path: p, text: readFileSync(p, 'utf8'), fs: diskFs }));
  const r = importKeepalivedConfs(sources, ['pair']);
  const model = validModel(r.text);
  assertRoundTrip(sources.map((s) => readKeepalivedConf(s.path, s.text, diskFs)), r.draft.warnings, model);
  const c = model.clusters[0];
  assert.equal(c.name, 'web');
  assert.deepEqual(c.vrrp, { virtualRouterId: 60, advertInterval: 0.5, preempt: true, preemptDelay: 5, multicast: false, strict: false, accept: false, syncConnections: false });
  assert.deepEqual(c.directors.map((d) => [d.host, d.priority, d.vipLabel]), [['lvs1', 200, 'eth0:vip'], ['lvs2', 100, 'eth0:vip']]);
  assert.deepEqual(model.hosts.map((h) => [h.name, h.addresses]), [['lvs1', ['192.0.2.10']], ['lvs2', ['192.0.2.11']]]);
  const http = c.services.find((s) => s.port === 80);
  assert.ok(http);
  assert.deepEqual(http.sorryServer, { address: '192.0.2.50', port: 80 }, 'keepalived resets a DR sorry server to the service port');
  assert.equal(http.quorum, 2);
  assert.equal(http.hysteresis, 1);
  // Inheritance: delay_loop 3 and connect_timeout 2 and virtualhost from the virtual_server, retry from the checker.
  assert.deepEqual(http.realServers[0].healthCheck, {
    type: 'http', interval: 3, timeout: 2, retries: 2, retryDelay: 1.5, inhibitOnFailure: true, path: '/health', statusCodes: [200, 204], virtualHost: 'www.example.org',
  });
  const https = c.services.find((s) => s.port === 443);
  assert.deepEqual(https?.realServers.map((rs) => rs.healthCheck?.type), ['https', 'tcp']);
  assert.deepEqual(https?.realServers[0].healthCheck?.statusCodes, [200, 201, 202, 203, 204]);
  // keepalived's defaults where nothing is set: delay_loop 60, connect_timeout 5, retry 1, delay_before_retry 1.
  assert.deepEqual([https?.realServers[0].healthCheck?.interval, https?.realServers[0].healthCheck?.timeout, https?.realServers[0].healthCheck?.retries], [60, 5, 1]);
  const dns = c.services.find((s) => s.protocol === 'udp');
  assert.deepEqual([dns?.onePacket, dns?.realServers[0].healthCheck?.dnsType, dns?.realServers[0].healthCheck?.dnsName, dns?.realServers[0].healthCheck?.retries], [true, 'A', 'example.org', 3]);
  const smtp = c.services.find((s) => s.port === 25);
  assert.deepEqual(smtp?.realServers.map((rs) => [rs.method, rs.tunnel?.type, rs.healthCheck?.type ?? 'none']), [['tun', 'gue', 'smtp'], ['tun', 'gue', 'misc'], ['tun', 'gue', 'none']]);
  assert.equal(smtp?.realServers[1].healthCheck?.retries, 0, 'MISC_CHECK retries default to 0');
  const w = r.draft.warnings.join('\n');
  for (const [file, line, what] of [
    ['lvs1.conf', 8, '"vrrp_script chk_haproxy"'], ['lvs1.conf', 30, '"track_script"'], ['lvs1.conf', 33, '"notify_master'],
    ['lvs1.conf', 13, '"state MASTER" is not kept'], ['conf.d/10-web.conf', 34, '"notify_down'], ['conf.d/10-web.conf', 61, '"PING_CHECK"'],
    ['conf.d/20-infra.conf', 21, '"helo_name'], ['conf.d/20-infra.conf', 32, 'misc_path "/usr/local/bin/check-smtp --deep"'],
    ['conf.d/20-infra.conf', 38, 'virtual_server_group'], ['conf.d/20-infra.conf', 42, 'virtual_server group extra'],
  ] as const) assert.ok(w.includes(`${join(IMPORT, 'pair', file)}:${line}: `) && w.split('\n').some((l) => l.startsWith(`${join(IMPORT, 'pair', file)}:${line}: `) && l.includes(what)), `${file}:${line} ${what}\n${w}`);
  // Warnings are comments in the file, too.
  assert.match(r.text, /# .*lvs1\.conf:8: "vrrp_script chk_haproxy"/);
});

test('includes are read from the file system lent (relative to the including file), and a pair that differs is warned about', () => {
  const fs = memoryFs({
    '/etc/keepalived/keepalived.conf': 'global_defs {\n  router_id a\n}\nvrrp_instance VI {\n  interface eth1\n  virtual_router_id 9\n  priority 120\n  version 3\n  virtual_ipaddress {\n    10.9.0.1\n  }\n}\ninclude conf.d/*.conf\n',
    '/etc/keepalived/conf.d/web.conf': 'virtual_server 10.9.0.1 80 {\n  lvs_method DR\n  real_server 10.9.0.11 80 {\n    weight 5\n    TCP_CHECK {\n    }\n  }\n}\n',
    '/etc/keepalived/conf.d/.hidden.conf': 'virtual_server 10.9.0.1 81 {\n}\n',
  });
  const text = fs.readFile('/etc/keepalived/keepalived.conf') ?? '';
  const other = text.replace('router_id a', 'router_id b').replace('priority 120', 'priority 110').replace('include conf.d/*.conf', 'virtual_server 10.9.0.1 80 {\n  lvs_method DR\n  real_server 10.9.0.11 80 {\n    weight 7\n  }\n}');
  const r = importKeepalivedConfs([{ path: '/etc/keepalived/keepalived.conf', text, fs }, { path: '/b/keepalived.conf', text: other }], []);
  const model = validModel(r.text);
  const c = model.clusters[0];
  assert.equal(c.vrrp?.multicast, true);
  assert.deepEqual(c.services.map((s) => s.port), [80], 'the hidden file is not included, as keepalived\'s glob skips it');
  assert.deepEqual(c.services[0].realServers.map((rs) => [rs.weight, rs.healthCheck?.type, rs.healthCheck?.interval]), [[5, 'tcp', 60]]);
  assert.ok(r.draft.warnings.some((w) => /^\/b\/keepalived\.conf:13: virtual_server 10\.9\.0\.1 80 \(TCP\) differs from \/etc\/keepalived\/conf\.d\/web\.conf:1: the file holds the one of a/.test(w)), r.draft.warnings.join('\n'));
  const noFs = importKeepalivedConfs([{ path: '/etc/keepalived/keepalived.conf', text }], []);
  assert.ok(noFs.draft.warnings.some((w) => /keepalived\.conf:13: include conf\.d\/\*\.conf was not followed/.test(w)));
});
