/**
 * Reads the values of a parsed YAML cluster file with diagnostics: a mapping's entries (unknown, duplicate and
 * secret keys), and each value as text, number, boolean, range, enumeration, allow-listed string, list or
 * mapping, reporting wrong types where they are. The readers of hosts, clusters, services and real servers
 * build on it.
 */

import { isAlias, isMap, isScalar, isSeq, type Document, type ParsedNode, type YAMLMap } from 'yaml';
import { parseAddress, type ParsedAddress } from '../ipvs/address';
import { closestName } from '../closestName';
import { aliasBudget, indexAliases } from './aliasIndex';
import type { AliasIndex } from './aliasIndex';
import type { DiagnosticSink } from './diagnosticSink';
import { OBJECT_KEYS, OBJECT_NAMES, SECRET_KEY, type ObjectKind } from './formatKeys';
import { removeFix, replaceFix, type Span } from './quickFixes';
import { isInterfaceName, isName } from './stringRules';

export type YNode = ParsedNode;

/** One key of a mapping; spans are computed only when a diagnostic needs them (most entries never do). */
export class Entry {
  constructor(
    readonly key: string,
    private readonly keyNode: YNode,
    /** The value as written (may be an alias), for spans. */
    private readonly raw: YNode | null,
    /** The resolved value; null for `key:` with nothing after it. */
    readonly value: YNode | null,
  ) {}

  get keySpan(): Span {
    return spanOf(this.keyNode);
  }

  get valueSpan(): Span {
    return this.raw ? spanOf(this.raw) : this.keySpan;
  }

  /** Key start to value end: what a removal deletes. */
  get pairSpan(): Span {
    return [this.keyNode.range[0], this.raw ? this.raw.range[1] : this.keyNode.range[1]];
  }
}

/** A list item seen as an entry of `key`, to reuse the value readers on it. */
export function itemEntry(key: string, keyNode: YNode, item: YNode): Entry {
  return new Entry(key, keyNode, item, item);
}

export type Entries = Map<string, Entry>;

export function spanOf(node: YNode): Span {
  return [node.range[0], node.range[1]];
}

export function describe(node: YNode | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'number') return `the number ${v}`;
    if (typeof v === 'boolean') return `the boolean ${v}`;
    if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  }
  return 'a value of another type';
}


export class EntryReader {
  readonly text: string;
  private readonly addressCache = new Map<string, ParsedAddress | null>();
  private readonly aliases: AliasIndex;
  /** False when the aliases expand past the budget: then none is followed (each reads as empty). */
  private readonly followAliases: boolean;
  /** Nodes the secret scan has been through: an aliased subtree is scanned once, whatever its uses. */
  private readonly scanned = new Set<YNode>();
  /** Nodes visited: the alias pass, every resolve and every scanned node (tests check it grows linearly). */
  work = 0;

  constructor(doc: Document.Parsed, readonly sink: DiagnosticSink) {
    this.text = sink.text;
    this.aliases = indexAliases(doc);
    this.work += this.aliases.steps;
    for (const alias of this.aliases.cycles) {
      sink.report('LVS001', spanOf(alias as YNode), `The alias *${alias.source} is inside the value it refers to (a cycle); it is read as empty.`);
    }
    const budget = aliasBudget(this.aliases.nodes);
    this.followAliases = this.aliases.expanded <= budget;
    if (!this.followAliases) {
      const at = this.aliases.largest ? spanOf(this.aliases.largest as YNode) : spanOf(doc.contents as YNode);
      sink.report('LVS001', at,
        `Aliases expand this file to more than ${budget} values (the file has ${this.aliases.nodes}); no alias is followed. Write the repeated parts out, or alias fewer levels deep.`);
    }
  }

  resolve(node: YNode | null | undefined): YNode | null {
    if (node === null || node === undefined) return null;
    this.work++;
    if (isAlias(node)) {
      if (!this.followAliases) return null;
      return (this.aliases.targets.get(node) as YNode | undefined) ?? null;
    }
    return node;
  }

  isEmpty(node: YNode | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /** Real servers repeat addresses across services: each distinct text is parsed once per walk. */
  address(text: string): ParsedAddress | undefined {
    let a = this.addressCache.get(text);
    if (a === undefined) this.addressCache.set(text, (a = parseAddress(text) ?? null));
    return a ?? undefined;
  }

  /** Reads a mapping's entries, reporting unknown, duplicate and secret keys; `skip` keys are left to the caller. */
  entries(map: YAMLMap.Parsed, kind: ObjectKind, skip?: (key: string) => boolean): Entries {
    const known = OBJECT_KEYS[kind];
    const out: Entries = new Map();
    for (const pair of map.items) {
      const keyNode = pair.key as YNode | null;
      if (keyNode === null || !isScalar(keyNode) || typeof keyNode.value !== 'string') {
        const span = keyNode ? spanOf(keyNode) : spanOf(map);
        this.sink.report('LVS006', span, `Keys of ${OBJECT_NAMES[kind]} are plain names; found ${describe(keyNode)}.`);
        continue;
      }
      const key = keyNode.value;
      if (skip?.(key)) continue;
      const raw = pair.value as YNode | null;
      const value = this.resolve(raw);
      if (!known.includes(key)) {
        const keySpan = spanOf(keyNode);
        const pairSpan: Span = [keySpan[0], raw ? raw.range[1] : keySpan[1]];
        if (SECRET_KEY.test(key)) {
          this.sink.report('LVS008', keySpan,
            `"${key}" looks like a secret. Secrets never go in the cluster file: ssh keys and their passphrases live in the ssh-agent, passwords in VS Code's SecretStorage (the extension asks when it needs one).`,
            [removeFix(`Remove "${key}"`, this.text, this.sink.lines, pairSpan)]);
        } else {
          const suggestion = closestName(key, known);
          this.sink.report('LVS004', keySpan,
            `Unknown key "${key}" in ${OBJECT_NAMES[kind]}${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Known keys: ${known.join(', ')}.`,
            suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, keySpan, suggestion)] : undefined);
        }
        this.scanForSecrets(value);
        continue;
      }
      const entry = new Entry(key, keyNode, raw, value);
      if (out.has(key)) {
        this.sink.report('LVS007', entry.keySpan, `"${key}" is set twice in ${OBJECT_NAMES[kind]}; YAML keeps only one of them.`,
          [removeFix(`Remove this "${key}"`, this.text, this.sink.lines, entry.pairSpan)]);
        continue;
      }
      out.set(key, entry);
    }
    return out;
  }

  /**
   * Secrets under keys that are unknown anyway (so their content is not walked otherwise). Iterative (no
   * depth limit) and each node once, however many aliases point at it.
   */
  scanForSecrets(start: YNode | null): void {
    const stack: YNode[] = start === null ? [] : [start];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (this.scanned.has(node)) continue;
      this.scanned.add(node);
      this.work++;
      if (isSeq(node)) {
        for (const item of node.items) {
          const r = this.resolve(item as YNode);
          if (r !== null) stack.push(r);
        }
      } else if (isMap(node)) {
        for (const pair of node.items) {
          const k = pair.key as YNode | null;
          if (k && isScalar(k) && typeof k.value === 'string' && SECRET_KEY.test(k.value)) {
            const keySpan = spanOf(k);
            const end = pair.value ? (pair.value as YNode).range[1] : keySpan[1];
            this.sink.report('LVS008', keySpan,
              `"${k.value}" looks like a secret. Secrets never go in the cluster file: ssh keys and their passphrases live in the ssh-agent, passwords in VS Code's SecretStorage.`,
              [removeFix(`Remove "${k.value}"`, this.text, this.sink.lines, [keySpan[0], end])]);
          }
          const r = this.resolve(pair.value as YNode | null);
          if (r !== null) stack.push(r);
        }
      }
    }
  }

  /** The span for a "missing key" diagnostic: the mapping's first key (its `- ` line), else the mapping. */
  headSpan(map: YAMLMap.Parsed): Span {
    const first = map.items[0]?.key as YNode | null | undefined;
    return first ? spanOf(first) : spanOf(map);
  }

  missing(map: YAMLMap.Parsed, kind: ObjectKind, key: string, hint = ''): void {
    this.sink.report('LVS005', this.headSpan(map), `${OBJECT_NAMES[kind][0].toUpperCase()}${OBJECT_NAMES[kind].slice(1)} needs "${key}"${hint}.`);
  }

  wrongType(e: Entry, expected: string): undefined {
    this.sink.report('LVS006', e.valueSpan, `"${e.key}" must be ${expected}; found ${describe(e.value)}.`);
    return undefined;
  }

  string(e: Entry | undefined): string | undefined {
    if (!e) return undefined;
    const v = e.value;
    if (v !== null && isScalar(v) && typeof v.value === 'string') return v.value;
    return this.wrongType(e, 'text');
  }

  integer(e: Entry | undefined): number | undefined {
    if (!e) return undefined;
    const v = e.value;
    if (v !== null && isScalar(v) && typeof v.value === 'number') {
      if (Number.isInteger(v.value)) return v.value;
      return this.wrongType(e, 'a whole number');
    }
    return this.wrongType(e, 'a number');
  }

  boolean(e: Entry | undefined): boolean | undefined {
    if (!e) return undefined;
    const v = e.value;
    if (v !== null && isScalar(v) && typeof v.value === 'boolean') return v.value;
    return this.wrongType(e, 'true or false');
  }

  /** An integer in [min, max]; `code` reports the range. */
  ranged(e: Entry | undefined, min: number, max: number, code: 'LVS011' | 'LVS012' | 'LVS016', what: string): number | undefined {
    const n = this.integer(e);
    if (n === undefined || !e) return undefined;
    if (n < min || n > max) {
      this.sink.report(code, e.valueSpan, `${what} must be between ${min} and ${max}; found ${n}.`);
      return undefined;
    }
    return n;
  }

  enumValue<T extends string>(e: Entry | undefined, values: readonly T[], what: string,
    aliases?: Readonly<Record<string, string>>): T | undefined {
    const s = this.string(e);
    if (s === undefined || !e) return undefined;
    if ((values as readonly string[]).includes(s)) return s as T;
    const suggestion = closestName(s, values, aliases);
    const code = what === 'scheduler' ? 'LVS014' : 'LVS013';
    this.sink.report(code, e.valueSpan,
      `Unknown ${what} "${s}"${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Valid: ${values.join(', ')}.`,
      suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, e.valueSpan, suggestion)] : undefined);
    return undefined;
  }

  /** A string that passes an allow-list (LVS009 otherwise). */
  safe(e: Entry | undefined, test: (s: string) => boolean, what: string): string | undefined {
    const s = this.string(e);
    if (s === undefined || !e) return undefined;
    if (test(s)) return s;
    this.sink.report('LVS009', e.valueSpan, `"${s}" is not ${what}. Values that reach a remote shell are restricted to safe characters.`);
    return undefined;
  }

  name(e: Entry | undefined, what: string): string | undefined {
    return this.safe(e, isName, `a valid ${what} (letters, digits, ".", "_", "-", starting with a letter or digit, at most 63)`);
  }

  interfaceName(e: Entry | undefined): string | undefined {
    return this.safe(e, isInterfaceName, 'a valid interface name (at most 15 letters, digits, ".", "_", "-")');
  }

  /** A list value; `null` (empty) counts as an empty list. */
  list(e: Entry | undefined): YNode[] | undefined {
    if (!e || this.isEmpty(e.value)) return e ? [] : undefined;
    if (e.value !== null && isSeq(e.value)) return e.value.items.map((i) => this.resolve(i as YNode)).filter((i): i is YNode => i !== null);
    return this.wrongType(e, 'a list');
  }

  mapping(e: Entry | undefined): YAMLMap.Parsed | undefined {
    if (!e) return undefined;
    if (e.value !== null && isMap(e.value)) return e.value;
    return this.wrongType(e, 'a mapping');
  }

  itemMaps(e: Entry | undefined, kind: ObjectKind): YAMLMap.Parsed[] {
    const items = this.list(e);
    if (!items) return [];
    const out: YAMLMap.Parsed[] = [];
    for (const item of items) {
      if (isMap(item)) out.push(item);
      else this.sink.report('LVS006', spanOf(item), `Each item here must be ${OBJECT_NAMES[kind]} (a mapping of keys); found ${describe(item)}.`);
    }
    return out;
  }
}
