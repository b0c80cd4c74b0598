/**
 * The layering rules of the codebase, checked on the sources: the core never sees `vscode` nor the
 * extension; the CLI never sees `vscode`; activation is lazy.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const repo = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

test('src/core imports neither vscode nor src/extension nor src/cli', () => {
  const offenders: string[] = [];
  for (const file of tsFiles(join(repo, 'src', 'core'))) {
    for (const spec of importsOf(file)) {
      if (spec === 'vscode' || /(^|\/)(extension|cli)(\/|$)/.test(spec)) offenders.push(`${relative(repo, file)} → ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('src/cli does not import vscode', () => {
  const offenders = tsFiles(join(repo, 'src', 'cli')).filter((f) => importsOf(f).includes('vscode'));
  assert.deepEqual(offenders.map((f) => relative(repo, f)), []);
});

test('the webview bundle imports only its own files, src/shared and npm packages (never src/core or src/extension)', () => {
  const offenders: string[] = [];
  for (const file of tsFiles(join(repo, 'webview', 'src'))) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.') && !spec.startsWith('./') && !/^(\.\.\/)+src\/shared\//.test(spec)) offenders.push(`${relative(repo, file)} → ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the extension activates lazily (no "*" activation event)', () => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { activationEvents?: string[] };
  assert.ok(!(pkg.activationEvents ?? []).includes('*'));
  assert.ok(!(pkg.activationEvents ?? []).includes('onStartupFinished'));
});

test('the import scanner sees the forms it must catch', () => {
  // Guards the scanner itself, so the layering tests above cannot pass by matching nothing.
  const sample = `import * as vscode from 'vscode';\nimport type { X } from "../extension/x";\nconst y = require('vscode');\nexport { z } from './cli/z';`;
  const found = [...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
  assert.deepEqual(found, ['vscode', '../extension/x', 'vscode', './cli/z']);
});
