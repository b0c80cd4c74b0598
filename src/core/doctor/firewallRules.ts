/**
 * Would the packet filter drop traffic to ADDRESS:PORT? Reads `iptables-save` / `ip6tables-save` and
 * `nft list ruleset` text and walks each base chain on the receive path (prerouting, input, forward) in
 * order, first match wins, user chains followed. A rule whose conditions we all understand (protocol,
 * destination address, destination port) is certain; any other condition (source, interface, conntrack
 * state, …) makes it "may": reported as a warning, not an error. Pure.
 */
import { parseAddress, parseCidr, sameSubnet } from '../ipvs/address';
import type { Protocol } from '../ipvs/types';

export interface TrafficTarget {
  address: string;
  protocol: Protocol;
  /** 0: any port (fwmark services). */
  port: number;
}

export interface BlockingRule {
  source: 'iptables' | 'ip6tables' | 'nft';
  /** `filter INPUT`, `inet filter input`. */
  chain: string;
  rule: string;
  verdict: 'drop' | 'reject' | 'policy drop';
  /** Every condition of the rule was understood and matches. */
  certain: boolean;
}

type Match = 'yes' | 'no' | 'maybe';

interface Rule {
  text: string;
  match: Match;
  verdict: 'accept' | 'drop' | 'reject' | 'return' | 'jump' | 'goto' | 'other';
  jumpTo?: string;
}

interface Chain {
  name: string;
  policy?: 'accept' | 'drop';
  rules: Rule[];
}

function addressMatches(spec: string, target: string): boolean {
  const cidr = parseCidr(spec);
  if (cidr) return sameSubnet(cidr.address, target, cidr.prefix);
  const a = parseAddress(spec);
  const t = parseAddress(target);
  return a !== undefined && t !== undefined && a.text === t.text;
}

function portMatches(spec: string, port: number): boolean {
  if (port === 0) return true;
  return spec.split(',').some((part) => {
    const range = /^(\d+)[:-](\d+)$/.exec(part.trim());
    if (range) return port >= Number(range[1]) && port <= Number(range[2]);
    return Number(part.trim()) === port;
  });
}

function combine(a: Match, b: Match): Match {
  if (a === 'no' || b === 'no') return 'no';
  if (a === 'maybe' || b === 'maybe') return 'maybe';
  return 'yes';
}

/** Walks `chain` (and the user chains it jumps to): the blocking rules a packet to `target` may meet. */
function walk(chains: Map<string, Chain>, chain: Chain, certainSoFar: boolean, depth: number, found: Omit<BlockingRule, 'source'>[], label: string): 'accepted' | 'dropped' | 'fell-through' {
  let certain = certainSoFar;
  for (const rule of chain.rules) {
    if (rule.match === 'no') continue;
    const sure = certain && rule.match === 'yes';
    if (rule.verdict === 'accept') { if (sure) return 'accepted'; certain = false; continue; }
    if (rule.verdict === 'drop' || rule.verdict === 'reject') {
      found.push({ chain: `${label} ${chain.name}`, rule: rule.text, verdict: rule.verdict, certain: sure });
      if (sure) return 'dropped';
      continue;
    }
    if (rule.verdict === 'return') { if (sure) return 'fell-through'; certain = false; continue; }
    if ((rule.verdict === 'jump' || rule.verdict === 'goto') && rule.jumpTo !== undefined && depth < 16) {
      const sub = chains.get(rule.jumpTo);
      if (!sub) continue;
      const r = walk(chains, sub, sure, depth + 1, found, label);
      if (r !== 'fell-through' && sure) return r;
      if (rule.verdict === 'goto' && sure) return 'fell-through';
    }
  }
  return 'fell-through';
}

// ---- iptables-save --------------------------------------------------------------------------------------

const IPT_NEUTRAL = new Set(['-m tcp', '-m udp', '-m sctp', '-m multiport', '-m comment']);

function tokenize(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
  return out;
}

function iptablesRule(line: string, target: TrafficTarget, declared: ReadonlyMap<string, unknown>): { chain: string; rule: Rule } | undefined {
  const t = tokenize(line);
  if (t[0] !== '-A' || t.length < 2) return undefined;
  const chain = t[1];
  let match: Match = 'yes';
  let verdict: Rule['verdict'] = 'other';
  let jumpTo: string | undefined;
  for (let i = 2; i < t.length; i++) {
    const tok = t[i];
    const next = t[i + 1];
    if (tok === '!') { match = combine(match, 'maybe'); i++; continue; }
    if (tok === '-p' && next !== undefined) { i++; if (next !== 'all' && next !== target.protocol) match = 'no'; continue; }
    if (tok === '-d' && next !== undefined) { i++; if (!next.split(',').some((d) => addressMatches(d, target.address))) match = 'no'; continue; }
    if ((tok === '--dport' || tok === '--destination-port' || tok === '--dports' || tok === '--destination-ports') && next !== undefined) { i++; if (!portMatches(next, target.port)) match = 'no'; continue; }
    if (tok === '-m' && next !== undefined) { i++; if (!IPT_NEUTRAL.has(`-m ${next}`)) match = combine(match, 'maybe'); continue; }
    if (tok === '--comment') { i++; continue; }
    if ((tok === '-j' || tok === '-g') && next !== undefined) {
      i++;
      const v = next.toUpperCase();
      // A declared chain is a jump; anything else is a target extension (LOG, MARK, DNAT, …) that does not decide.
      verdict = v === 'ACCEPT' ? 'accept' : v === 'DROP' ? 'drop' : v === 'REJECT' ? 'reject' : v === 'RETURN' ? 'return' : !declared.has(next) ? 'other' : tok === '-g' ? 'goto' : 'jump';
      if (verdict === 'jump' || verdict === 'goto') jumpTo = next;
      // a target's own options follow (--reject-with …): they do not change the match
      break;
    }
    if (tok.startsWith('-')) { match = combine(match, 'maybe'); if (next !== undefined && !next.startsWith('-')) i++; }
  }
  const rule: Rule = { text: line, match, verdict };
  if (jumpTo !== undefined) rule.jumpTo = jumpTo;
  return { chain, rule };
}

const IPT_PATHS: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING'], mangle: ['PREROUTING', 'INPUT', 'FORWARD'], filter: ['INPUT', 'FORWARD'],
};

export function iptablesBlocking(save: string, target: TrafficTarget, source: 'iptables' | 'ip6tables' = 'iptables'): BlockingRule[] {
  const found: BlockingRule[] = [];
  let table = '';
  let chains = new Map<string, Chain>();
  const finish = (): void => {
    for (const name of IPT_PATHS[table] ?? []) {
      const chain = chains.get(name);
      if (!chain) continue;
      const local: Omit<BlockingRule, 'source'>[] = [];
      const r = walk(chains, chain, true, 0, local, table);
      found.push(...local.map((f) => ({ ...f, source })));
      if (r === 'fell-through' && chain.policy === 'drop') {
        found.push({ source, chain: `${table} ${name}`, rule: `:${name} DROP (policy)`, verdict: 'policy drop', certain: !local.length && chain.rules.every((x) => x.match === 'no' || x.verdict !== 'accept') });
      }
    }
  };
  for (const raw of save.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) { table = line.slice(1); chains = new Map(); continue; }
    if (line === 'COMMIT') { finish(); table = ''; continue; }
    const policy = /^:(\S+)\s+(\S+)/.exec(line);
    if (policy) { chains.set(policy[1], { name: policy[1], rules: [], ...(policy[2] === 'DROP' ? { policy: 'drop' as const } : policy[2] === 'ACCEPT' ? { policy: 'accept' as const } : {}) }); continue; }
    const r = iptablesRule(line, target, chains);
    if (r) {
      let c = chains.get(r.chain);
      if (!c) { c = { name: r.chain, rules: [] }; chains.set(r.chain, c); }
      c.rules.push(r.rule);
    }
  }
  return found;
}

// ---- nft list ruleset -----------------------------------------------------------------------------------

const NFT_HOOKS = new Set(['prerouting', 'input', 'forward']);
const NFT_NEUTRAL = new Set(['counter', 'log']);

function nftSet(tokens: string[], i: number): { values: string[]; next: number } {
  if (tokens[i] !== '{') return { values: [tokens[i] ?? ''], next: i + 1 };
  const values: string[] = [];
  let j = i + 1;
  for (; j < tokens.length && tokens[j] !== '}'; j++) if (tokens[j] !== ',') values.push(tokens[j].replace(/,$/, ''));
  return { values, next: j + 1 };
}

function nftRule(line: string, target: TrafficTarget, family: string): Rule {
  const t = line.replace(/([{},])/g, ' $1 ').split(/\s+/).filter(Boolean);
  let match: Match = 'yes';
  let verdict: Rule['verdict'] = 'other';
  let jumpTo: string | undefined;
  const targetFamily = parseAddress(target.address)?.family;
  for (let i = 0; i < t.length;) {
    const tok = t[i];
    if (tok === 'ip' || tok === 'ip6') {
      if ((tok === 'ip') !== (targetFamily === 'inet')) { match = 'no'; }
      if (t[i + 1] === 'daddr') {
        let j = i + 2;
        let negate = false;
        if (t[j] === '!=') { negate = true; j++; }
        const { values, next } = nftSet(t, j);
        const hit = values.some((v) => addressMatches(v, target.address));
        if (negate ? hit : !hit) match = 'no';
        i = next; continue;
      }
      if (t[i + 1] === 'protocol' || t[i + 1] === 'nexthdr') {
        const { values, next } = nftSet(t, i + 2);
        if (!values.includes(target.protocol)) match = 'no';
        i = next; continue;
      }
      match = combine(match, 'maybe'); i += 3; continue;
    }
    if ((tok === 'tcp' || tok === 'udp' || tok === 'sctp' || tok === 'th') && t[i + 1] === 'dport') {
      if (tok !== 'th' && tok !== target.protocol) match = 'no';
      let j = i + 2;
      let negate = false;
      if (t[j] === '!=') { negate = true; j++; }
      const { values, next } = nftSet(t, j);
      const hit = values.some((v) => portMatches(v, target.port));
      if (negate ? hit : !hit) match = 'no';
      i = next; continue;
    }
    if (tok === 'meta' && t[i + 1] === 'l4proto') {
      const { values, next } = nftSet(t, i + 2);
      if (!values.includes(target.protocol)) match = 'no';
      i = next; continue;
    }
    if (tok === 'meta' && t[i + 1] === 'nfproto') {
      const { values, next } = nftSet(t, i + 2);
      if (!values.includes(targetFamily === 'inet' ? 'ipv4' : 'ipv6')) match = 'no';
      i = next; continue;
    }
    if (tok === 'accept' || tok === 'drop' || tok === 'reject' || tok === 'return') { verdict = tok; break; }
    if (tok === 'jump' || tok === 'goto') { verdict = tok; jumpTo = t[i + 1]; break; }
    if (tok === 'comment') { i += 2; continue; }
    if (NFT_NEUTRAL.has(tok)) { i++; continue; }
    if (tok === 'packets' || tok === 'bytes') { i += 2; continue; }
    match = combine(match, 'maybe');
    i++;
  }
  if (family !== 'inet' && family !== 'ip' && family !== 'ip6') match = 'no';
  const rule: Rule = { text: line.trim(), match, verdict };
  if (jumpTo !== undefined) rule.jumpTo = jumpTo;
  return rule;
}

export function nftBlocking(ruleset: string, target: TrafficTarget): BlockingRule[] {
  const found: BlockingRule[] = [];
  const tables: { label: string; family: string; chains: Map<string, Chain>; hooks: Map<string, string> }[] = [];
  let table: (typeof tables)[number] | undefined;
  let chain: Chain | undefined;
  let depth = 0;
  for (const raw of ruleset.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const tm = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
    if (tm && depth === 0) { table = { label: `${tm[1]} ${tm[2]}`, family: tm[1], chains: new Map(), hooks: new Map() }; tables.push(table); depth = 1; continue; }
    const cm = /^chain\s+(\S+)\s*\{$/.exec(line);
    if (cm && depth === 1 && table) { chain = { name: cm[1], rules: [] }; table.chains.set(cm[1], chain); depth = 2; continue; }
    if (line.endsWith('{')) { depth++; continue; }
    if (line === '}') { depth--; if (depth === 1) chain = undefined; if (depth === 0) table = undefined; continue; }
    if (!chain || !table || depth !== 2) continue;
    const hook = /\btype\s+\S+\s+hook\s+(\S+)\s+priority[^;]*;(?:\s*policy\s+(\w+);)?/.exec(line);
    if (hook) {
      table.hooks.set(chain.name, hook[1]);
      if (hook[2] === 'drop') chain.policy = 'drop';
      continue;
    }
    if (/^policy\s+(\w+);/.test(line)) { if (/drop/.test(line)) chain.policy = 'drop'; continue; }
    chain.rules.push(nftRule(line, target, table.family));
  }
  for (const t of tables) {
    if (t.family !== 'inet' && t.family !== 'ip' && t.family !== 'ip6') continue;
    if ((t.family === 'ip') !== (parseAddress(target.address)?.family === 'inet') && t.family !== 'inet') continue;
    for (const [name, hook] of t.hooks) {
      if (!NFT_HOOKS.has(hook)) continue;
      const c = t.chains.get(name);
      if (!c) continue;
      const local: Omit<BlockingRule, 'source'>[] = [];
      const r = walk(t.chains, c, true, 0, local, t.label);
      found.push(...local.map((f) => ({ ...f, source: 'nft' as const })));
      if (r === 'fell-through' && c.policy === 'drop') {
        found.push({ source: 'nft', chain: `${t.label} ${name}`, rule: 'policy drop', verdict: 'policy drop', certain: !local.length && c.rules.every((x) => x.match === 'no' || x.verdict !== 'accept') });
      }
    }
  }
  return found;
}
