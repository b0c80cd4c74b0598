/**
 * keepalived `include` patterns: brace expansion and glob matching of the core resolver over an
 * in-memory file system, then the editor's validator on a real folder tree on disk (node:fs), where an
 * included file's virtual server collides with the open file's and a pattern matches nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConf } from '../../src/core/keepalivedConf/confParser';
import { createIncludeResolver, expandBraces } from '../../src/core/keepalivedConf/includeResolver';
import type { IncludeFileSystem } from '../../src/core/keepalivedConf/includeResolver';
import { validateDocumentText } from '../../src/extension/keepalivedIncludes';

function memoryFs(files: Record<string, string>): IncludeFileSystem {
  const dirs = new Map<string, Set<string>>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`.replace(/^\/$/, '/');
      if (!dirs.has(dir)) dirs.set(dir, new Set());
      dirs.get(dir)?.add(parts[i]);
    }
  }
  const norm = (p: string) => (p.length > 1 ? p.replace(/\/$/, '') : p);
  return {
    readDir: (p) => (dirs.has(norm(p)) ? [...(dirs.get(norm(p)) ?? [])] : undefined),
    isDirectory: (p) => dirs.has(norm(p)),
    readFile: (p) => files[p],
  };
}

test('braces expand first, in order, nested too', () => {
  assert.deepEqual(expandBraces('/k/{a,b}/x.conf'), ['/k/a/x.conf', '/k/b/x.conf']);
  assert.deepEqual(expandBraces('{a,b{c,d}}e'), ['ae', 'bce', 'bde']);
  assert.deepEqual(expandBraces('no{brace'), ['no{brace']);
});

test('globs: * ? [] within a segment, sorted, no hidden files, no folders, relative to the including file', () => {
  const fs = memoryFs({
    '/etc/keepalived/conf.d/b.conf': 'b',
    '/etc/keepalived/conf.d/a.conf': 'a',
    '/etc/keepalived/conf.d/.hidden.conf': 'h',
    '/etc/keepalived/conf.d/c1.conf': 'c1',
    '/etc/keepalived/conf.d/sub.conf/x': 'dir named .conf',
    '/etc/keepalived/rs/web/r1.conf': 'r1',
  });
  const resolve = createIncludeResolver(fs, '/etc/keepalived/keepalived.conf');
  assert.deepEqual(resolve('conf.d/*.conf', undefined).map((f) => f.path), ['/etc/keepalived/conf.d/a.conf', '/etc/keepalived/conf.d/b.conf', '/etc/keepalived/conf.d/c1.conf']);
  assert.deepEqual(resolve('/etc/keepalived/conf.d/[ab].conf', undefined).map((f) => f.text), ['a', 'b']);
  assert.deepEqual(resolve('conf.d/[!ab]?.conf', undefined).map((f) => f.text), ['c1']);
  assert.deepEqual(resolve('../rs/*/r?.conf', '/etc/keepalived/conf.d/a.conf').map((f) => f.path), ['/etc/keepalived/rs/web/r1.conf']);
  assert.deepEqual(resolve('conf.d/{b,a}.conf', undefined).map((f) => f.text), ['b', 'a']);
  assert.deepEqual(resolve('nothing/*.conf', undefined), []);
  assert.deepEqual(resolve('conf.d/missing.conf', undefined), []);
});

test('a pattern over a huge tree lists a bounded number of folders', () => {
  let listed = 0;
  const wide: IncludeFileSystem = {
    readDir: () => {
      listed++;
      return Array.from({ length: 100 }, (_v, i) => `d${i}`);
    },
    isDirectory: () => true,
    readFile: () => undefined,
  };
  assert.deepEqual(createIncludeResolver(wide, '/k/keepalived.conf')('/*/*/*/*.conf', undefined), []);
  // Each level keeps at most 1000 paths, so about a thousand folders are listed, not 100^3.
  assert.ok(listed <= 1100, `${listed} folders listed`);
});

test('the parser reads what the resolver finds, in place', () => {
  const fs = memoryFs({ '/k/rs/1.conf': 'real_server 10.0.0.2 80 {\n}\n', '/k/rs/2.conf': 'real_server 10.0.0.3 80 {\n}\n' });
  const parsed = parseConf('virtual_server 10.0.0.1 80 {\n  include rs/*.conf\n}\n', { resolveInclude: createIncludeResolver(fs, '/k/keepalived.conf') });
  assert.deepEqual(parsed.nodes[0].block?.children.map((n) => n.args[0].text), ['10.0.0.2', '10.0.0.3']);
});

test('the editor validator follows includes on disk', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kaconf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'conf.d', 'web.conf'), 'virtual_server 10.0.0.1 80 {\n    lvs_sched rr\n}\n');
  const main = join(dir, 'keepalived.conf');
  const text = 'include conf.d/*.conf\ninclude extra/*.conf\nvirtual_server 10.0.0.1 80 {\n    lvs_sched wrr\n}\n';
  writeFileSync(main, text);
  const ds = validateDocumentText('keepalived', text, main);
  assert.deepEqual(ds.map((d) => [d.code, d.range.start.line]), [['KAL012', 1], ['KAL011', 2]]);
  assert.match(ds[1].message, /conf\.d\/web\.conf:1/);
  // Without a path on disk (an untitled document) includes are not followed and not reported.
  assert.deepEqual(validateDocumentText('keepalived', text), []);
});
