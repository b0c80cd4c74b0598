/**
 * Resolves keepalived `include` patterns as keepalived does (glob(3) with GLOB_BRACE, relative to the
 * folder of the including file, matches sorted, directories skipped), over a file system handed in by
 * the caller — the core itself reads no files. `*`, `?`, `[…]` (`[!…]` negated) match within one path
 * segment and never match a leading `.`; `{a,b}` expands first.
 */

import { posix } from 'node:path';
import type { IncludedFile, IncludeResolver } from './confParser';

export interface IncludeFileSystem {
  /** The names in a folder, or undefined when it cannot be read. */
  readDir(path: string): string[] | undefined;
  isDirectory(path: string): boolean;
  /** The text of a file, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

/** More paths than this per pattern level or per include are cut (keepalived has no limit; this keeps the editor responsive). */
const MAX_MATCHES = 1000;

/** `a{b,c}d{e,f}` → abde, abdf, acde, acdf (innermost-first, bounded). */
export function expandBraces(pattern: string, limit = 64): string[] {
  const open = pattern.indexOf('{');
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      close = i;
      break;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close === -1 || commas.length === 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let i = 0; i + 1 < bounds.length && out.length < limit; i++) {
    for (const e of expandBraces(head + pattern.slice(bounds[i] + 1, bounds[i + 1]) + tail, limit - out.length)) out.push(e);
  }
  return out;
}

function hasWildcard(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/** One path segment of a glob as a regular expression. */
function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      re += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function globOne(fs: IncludeFileSystem, pattern: string, cwd: string): string[] {
  const absolute = pattern.startsWith('/') ? pattern : posix.join(cwd, pattern);
  const segments = absolute.split('/').filter((s) => s !== '');
  let paths = ['/'];
  for (const segment of segments) {
    const next: string[] = [];
    const re = hasWildcard(segment) ? segmentRegExp(segment) : undefined;
    // At most MAX_MATCHES paths per level: `include /*/*/*` must not list the whole disk.
    for (const dir of paths) {
      if (next.length >= MAX_MATCHES) break;
      if (!re) {
        next.push(posix.join(dir, segment));
        continue;
      }
      for (const name of fs.readDir(dir) ?? []) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (re.test(name)) next.push(posix.join(dir, name));
        if (next.length >= MAX_MATCHES) break;
      }
    }
    paths = next;
    if (paths.length === 0) break;
  }
  return paths;
}

/** A resolver for parseConf: `mainFile` is the path of the text being parsed. */
export function createIncludeResolver(fs: IncludeFileSystem, mainFile: string): IncludeResolver {
  return (pattern: string, from: string | undefined): IncludedFile[] => {
    const cwd = posix.dirname(from ?? mainFile);
    const out: IncludedFile[] = [];
    const seen = new Set<string>();
    for (const expanded of expandBraces(pattern.trim())) {
      for (const path of globOne(fs, expanded, cwd).sort()) {
        if (seen.has(path) || fs.isDirectory(path)) continue;
        seen.add(path);
        const text = fs.readFile(path);
        if (text !== undefined) out.push({ path, text });
        if (out.length >= MAX_MATCHES) return out;
      }
    }
    return out;
  };
}
