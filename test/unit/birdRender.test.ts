/** The BIRD 2 configuration of active-active directors: golden output, every key, what is never rendered, the CLI. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { birdManagedHeader, renderBirdConf, renderBirdConfs } from '../../src/core/bird/renderBirdConf';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { EVERY_BGP_KEY, LAB_ECMP } from '../builders/birdFiles';
import { clusterFileWith } from '../builders/clusterFileText';

const GOLDEN_DIRECTOR2 = `# bird.conf of director director2, cluster lab-ecmp: rendered by lvsctl (vscode-lvs) from lvs-ecmp.yaml.
# Do not edit: lvsctl apply replaces this file. Change the cluster file and apply instead.
# lvsctl-managed: cluster=lab-ecmp director=director2
# Announces 10.116.0.202 over BGP; imports nothing.

router id 10.116.0.13;

protocol device {
}

protocol static lvs_vips4 {
    ipv4;
    route 10.116.0.202/32 blackhole;
}

filter lvs_export4 {
    if source = RTS_STATIC && net ~ [ 10.116.0.202/32 ] then accept;
    reject;
}

protocol bgp lvs_peer1 {
    description "lvsctl: peer 10.116.0.1 AS 65000";
    local 10.116.0.13 as 65116;
    neighbor 10.116.0.1 as 65000;
    hold time 6;
    keepalive time 2;
    ipv4 {
        import none;
        export filter lvs_export4;
        next hop self;
    };
}
`;

function modelOf(text: string): ReturnType<typeof validateClusterFile>['model'] {
  const { model, diagnostics } = validateClusterFile(text);
  assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.message}`), []);
  return model;
}

describe('renderBirdConf', () => {
  it('renders the lab cluster exactly (golden), the same bytes every time', () => {
    const model = modelOf(LAB_ECMP);
    const text = renderBirdConf({ model, cluster: 'lab-ecmp', director: 'director2', sourceLabel: 'lvs-ecmp.yaml' });
    assert.equal(text, GOLDEN_DIRECTOR2);
    assert.equal(renderBirdConf({ model, cluster: 'lab-ecmp', director: 'director2', sourceLabel: 'lvs-ecmp.yaml' }), text);
    assert.deepEqual(birdManagedHeader(text), { cluster: 'lab-ecmp', director: 'director2' });
    assert.equal(birdManagedHeader('router id 1.2.3.4;\n'), undefined);
  });

  it('renders every key: per-family statics and filters, multihop, BFD, IPv6 sessions from the director\'s IPv6 address', () => {
    const [one, two] = renderBirdConfs(modelOf(EVERY_BGP_KEY), 'every-bgp', 'every.yaml');
    assert.deepEqual([one.director, two.director], ['director', 'director2']);
    const t = one.text;
    assert.match(t, /^router id 10\.116\.0\.10;$/m);
    // Only the announce list, each in its family's static protocol and filter.
    assert.match(t, /protocol static lvs_vips4 \{\n {4}ipv4;\n {4}route 10\.116\.0\.203\/32 blackhole;\n\}/);
    assert.match(t, /protocol static lvs_vips6 \{\n {4}ipv6;\n {4}route fd16:116::203\/128 blackhole;\n\}/);
    assert.match(t, /net ~ \[ fd16:116::203\/128 \] then accept;/);
    assert.doesNotMatch(t, /10\.116\.0\.202/);
    assert.match(t, /^protocol bfd lvs_bfd \{$/m);
    const sessions = t.split('protocol bgp ').slice(1);
    assert.equal(sessions.length, 3);
    assert.match(sessions[0], /local 10\.116\.0\.10 as 4200000116;\n {4}neighbor 10\.116\.0\.1 as 65000;\n {4}hold time 30;\n {4}keepalive time 10;\n {4}bfd on;/);
    assert.doesNotMatch(sessions[0], /multihop/);
    assert.match(sessions[1], /^lvs_peer2 \{[\s\S]*neighbor 10\.200\.0\.1 as 4200000000;[\s\S]*multihop 2;/);
    assert.match(sessions[2], /^lvs_peer3 \{[\s\S]*local fd16:116::10 as 4200000116;\n {4}neighbor fd16:116::1 as 65000;[\s\S]*ipv6 \{\n {8}import none;\n {8}export filter lvs_export6;/);
    assert.match(two.text, /local fd16:116::13 as/);
  });

  it('never renders a kernel protocol (the director\'s routing table stays untouched) and imports nothing', () => {
    for (const { text } of renderBirdConfs(modelOf(EVERY_BGP_KEY), 'every-bgp', 'x')) {
      assert.doesNotMatch(text, /protocol kernel/);
      assert.equal(text.match(/import none;/g)?.length, 3);
      assert.doesNotMatch(text, /import all|export all/);
    }
  });

  it('keeps control characters of the source label out of the comment', () => {
    const text = renderBirdConf({ model: modelOf(LAB_ECMP), cluster: 'lab-ecmp', director: 'director', sourceLabel: 'a\nrouter id 1.1.1.1;' });
    assert.equal(text.match(/^router id/gm)?.length, 1);
  });

  it('refuses a cluster that is not active-active and a host that is not its director', () => {
    const plain = modelOf(clusterFileWith());
    assert.throws(() => renderBirdConfs(plain, 'web', 'x'), /is not active-active/);
    assert.throws(() => renderBirdConf({ model: modelOf(LAB_ECMP), cluster: 'lab-ecmp', director: 'rs1', sourceLabel: 'x' }), /"rs1" is not a director/);
    assert.throws(() => renderBirdConfs(plain, 'nope', 'x'), /no cluster named "nope"/);
  });
});

describe('lvsctl render --bird', () => {
  async function run(args: string[], files: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bird-render-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    let out = '';
    let err = '';
    const code = await main(args, { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } }, cwd: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    return { code, out, err };
  }

  it('prints one director\'s file exactly, or every director\'s with a separator line', async () => {
    const one = await run(['render', 'lvs-ecmp.yaml', '--bird', '--director', 'director2'], { 'lvs-ecmp.yaml': LAB_ECMP });
    assert.deepEqual([one.code, one.out], [0, GOLDEN_DIRECTOR2]);
    const both = await run(['render', 'lvs-ecmp.yaml', '--bird'], { 'lvs-ecmp.yaml': LAB_ECMP });
    assert.equal(both.code, 0);
    assert.deepEqual(both.out.split('\n').filter((l) => l.startsWith('# ==> ')), ['# ==> director <==', '# ==> director2 <==']);
  });

  it('exits 2 for an unknown director, a cluster that is not active-active, and --bird with --keepalived', async () => {
    const bad = await run(['render', 'lvs-ecmp.yaml', '--bird', '--director', 'rs1'], { 'lvs-ecmp.yaml': LAB_ECMP });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /'rs1' is not a director of cluster 'lab-ecmp'/);
    const plain = await run(['render', 'c.lvs.yaml', '--bird'], { 'c.lvs.yaml': clusterFileWith() });
    assert.equal(plain.code, 2);
    assert.match(plain.err, /mode active-passive; --bird renders clusters with "mode: active-active"/);
    const both = await run(['render', 'lvs-ecmp.yaml', '--bird', '--keepalived'], { 'lvs-ecmp.yaml': LAB_ECMP });
    assert.equal(both.code, 2);
    assert.match(both.err, /exclude each other/);
  });
});
