/**
 * The .vsix holds the same files whatever was built before: a development build leaves source maps and
 * dist/lvsctl.js in dist/, and the package must still hold only what the extension loads, within 1 MB.
 * The test packages a scratch copy of the project's packaging inputs (with the development dist/ as it is),
 * after a production build into that copy, with the real vsce, and reads the archive's listing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const repo = join(__dirname, '..', '..', '..');
const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');

/** Names in a zip archive, read from its central directory (no unzip needed). */
function zipEntries(file: string): string[] {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, 'no end of central directory in the .vsix');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

test('.vsix after a development build: only the shipped bundles, no maps, no lvsctl, at most 1 MB', () => {
  assert.ok(existsSync(join(repo, 'dist', 'extension.js')), 'run `npm run build` first (the test starts from its dist/)');
  const scratch = mkdtempSync(join(tmpdir(), 'lvs-vsix-'));
  try {
    for (const name of ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'syntaxes', 'snippets', 'schemas', 'media', 'docs', 'dist']) {
      cpSync(join(repo, name), join(scratch, name), { recursive: true });
    }
    for (const name of readdirSync(repo).filter((n) => /^language-configuration.*\.json$/.test(n))) {
      cpSync(join(repo, name), join(scratch, name));
    }
    // What a development build leaves behind, whatever the state of this checkout's dist/.
    writeFileSync(join(scratch, 'dist', 'lvsctl.js'), '// development bundle\n');
    writeFileSync(join(scratch, 'dist', 'extension.js.map'), '{}\n');
    execFileSync(process.execPath, [join(repo, 'build.mjs'), '--production', `--out=${scratch}`], { cwd: repo, stdio: 'pipe' });
    const vsix = join(scratch, 'out.vsix');
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--skip-license', '-o', vsix], {
      cwd: scratch,
      stdio: 'pipe',
    });
    const files = zipEntries(vsix)
      .filter((e) => e.startsWith('extension/'))
      .map((e) => e.slice('extension/'.length))
      .sort();
    const unexpected = files.filter(
      (f) =>
        f.endsWith('.map') ||
        f === 'dist/lvsctl.js' ||
        /^(src|out|test|bench|lab|scripts|webview|node_modules)\//.test(f),
    );
    assert.deepEqual(unexpected, []);
    for (const needed of ['package.json', 'readme.md', 'LICENSE.txt', 'dist/extension.js', 'dist/webview/main.js', 'dist/webview/main.css', 'media/lvs.png']) {
      assert.ok(files.includes(needed), `${needed} missing from the .vsix: ${files.join(', ')}`);
    }
    // Every contributed file the manifest points at ships (grammars, snippets, schemas, language configurations, icons).
    const manifest = readFileSync(join(repo, 'package.json'), 'utf8');
    for (const m of manifest.matchAll(/"\.\/((?:syntaxes|snippets|schemas|media|language-configuration)[^"]*)"/g)) {
      assert.ok(files.includes(m[1]), `package.json names ./${m[1]}, which is not in the .vsix`);
    }
    const extension = readFileSync(join(scratch, 'dist', 'extension.js'), 'utf8');
    assert.doesNotMatch(extension, /sourceMappingURL/, 'the packaged bundle is the production build');
    const size = statSync(vsix).size;
    assert.ok(size <= 1024 * 1024, `.vsix is ${size} bytes, more than 1 MB`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
