/** The glossary is complete and the ipvsadm rules glossary hover/completion find their words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IPVS_SYSCTLS } from '../../src/core/clusterFile/ipvsSysctls';
import { SCHED_FLAGS, SCHEDULERS } from '../../src/core/ipvs/types';
import {
  ARP_SYSCTL_GLOSSARY, IPVS_SYSCTL_GLOSSARY, METHOD_GLOSSARY, SCHED_FLAG_GLOSSARY, SCHEDULER_GLOSSARY, glossaryMarkdown,
} from '../../src/core/language/glossary';
import { rulesGlossaryCompletions, rulesGlossaryHover } from '../../src/core/language/rulesGlossary';
import { rulesLanguageCompletions, rulesLanguageHover } from '../../src/core/language/rulesLanguageService';

test('every scheduler has a title and a paragraph', () => {
  assert.deepEqual(Object.keys(SCHEDULER_GLOSSARY).sort(), [...SCHEDULERS].sort());
  assert.equal(SCHEDULERS.length, 14);
  for (const s of SCHEDULERS) {
    assert.ok(SCHEDULER_GLOSSARY[s].title.length > 3, s);
    assert.ok(SCHEDULER_GLOSSARY[s].doc.length > 80, s);
    assert.match(glossaryMarkdown(s) ?? '', new RegExp(`^\\*\\*${s}\\*\\* — `));
  }
});

test('every forwarding method, scheduler flag and ARP sysctl has an entry', () => {
  assert.deepEqual(Object.keys(METHOD_GLOSSARY).sort(), ['dr', 'nat', 'tun']);
  assert.deepEqual(Object.keys(SCHED_FLAG_GLOSSARY).sort(), [...SCHED_FLAGS].sort());
  assert.deepEqual(Object.keys(ARP_SYSCTL_GLOSSARY).sort(), ['arp_announce', 'arp_ignore', 'rp_filter']);
  assert.match(METHOD_GLOSSARY.dr.doc, /arp_ignore=1/);
  assert.match(ARP_SYSCTL_GLOSSARY.arp_announce.doc, /`2`/);
});

test('every IPVS sysctl the cluster file manages is explained, and nothing else', () => {
  assert.deepEqual(Object.keys(IPVS_SYSCTL_GLOSSARY).sort(), Object.keys(IPVS_SYSCTLS).sort());
  for (const [name, info] of Object.entries(IPVS_SYSCTLS)) {
    const entry = IPVS_SYSCTL_GLOSSARY[name];
    assert.ok(entry.doc.length > 40, name);
    // Where both state the kernel default they agree (sync_qlen_max has none: it depends on memory).
    if (entry.default !== undefined) assert.equal(entry.default, info.kernelDefault, name);
    assert.match(glossaryMarkdown(`net.ipv4.vs.${name}`) ?? '', new RegExp(`net\\.ipv4\\.vs\\.${name}`));
  }
});

test('glossaryMarkdown knows nothing of unrelated words', () => {
  assert.equal(glossaryMarkdown('toString'), undefined);
  assert.equal(glossaryMarkdown('constructor'), undefined);
  assert.equal(glossaryMarkdown('foo'), undefined);
});

test('ipvsadm rules: hover on -s value, -b flags, forwarding switches', () => {
  const text = '-A -t 10.0.0.1:80 -s wlc -b sh-port,sh-fallback\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1 # -m\n';
  assert.match(rulesGlossaryHover(text, { line: 0, character: 22 })?.contents ?? '', /Weighted Least-Connection/);
  const flag = rulesGlossaryHover(text, { line: 0, character: 40 });
  assert.match(flag?.contents ?? '', /sh-fallback/);
  assert.deepEqual(flag?.range, { start: { line: 0, character: 36 }, end: { line: 0, character: 47 } });
  assert.match(rulesGlossaryHover(text, { line: 1, character: 35 })?.contents ?? '', /Direct Routing/);
  assert.equal(rulesGlossaryHover(text, { line: 1, character: 45 }), undefined, 'not in comments');
  assert.equal(rulesGlossaryHover(text, { line: 0, character: 8 }), undefined);
});

test('ipvsadm rules: value completion after -s, -b and --tun-type', () => {
  const s = rulesGlossaryCompletions('-A -t 1.2.3.4:80 -s w', { line: 0, character: 21 });
  assert.equal(s.length, 14);
  assert.deepEqual(s[0].range, { start: { line: 0, character: 20 }, end: { line: 0, character: 21 } });
  const b = rulesGlossaryCompletions('-A -t 1.2.3.4:80 -s sh -b sh-port,', { line: 0, character: 34 });
  assert.deepEqual(b.map((c) => c.label), [...SCHED_FLAGS]);
  assert.deepEqual(b[0].range, { start: { line: 0, character: 34 }, end: { line: 0, character: 34 } });
  assert.deepEqual(rulesGlossaryCompletions('-a -t v:80 -r r:80 -i --tun-type ', { line: 0, character: 33 }).map((c) => c.label), ['ipip', 'gue', 'gre']);
  assert.deepEqual(rulesGlossaryCompletions('-A -t 1.2.3.4:80 ', { line: 0, character: 17 }), []);
});

test('ipvsadm rules language service: whole-token ranges, glossary hovers first, rules hovers otherwise', () => {
  const text = '-A -t 1.2.3.4:80 -s sh -b sh-port,sh-f';
  const flags = rulesLanguageCompletions(text, { line: 0, character: text.length });
  const fallback = flags.find((c) => c.label === 'sh-fallback');
  assert.ok(fallback, flags.map((c) => c.label).join());
  assert.equal(fallback.insertText, 'sh-port,sh-fallback');
  assert.equal(fallback.filterText, 'sh-port,sh-fallback');
  assert.deepEqual(fallback.range, { start: { line: 0, character: 26 }, end: { line: 0, character: text.length } });
  const commands = rulesLanguageCompletions('-', { line: 0, character: 1 });
  assert.ok(commands.some((c) => c.label.startsWith('-A') && c.kind === 'keyword'), commands.map((c) => c.label).join());
  const line = '-A -t 1.2.3.4:80 -s mh';
  assert.match(rulesLanguageHover(line, { line: 0, character: 21 })?.contents ?? '', /Maglev Hashing scheduler\n\nConsistent hashing/);
  assert.ok((rulesLanguageHover(line, { line: 0, character: 4 })?.contents ?? '').length > 0, 'the rules service explains -t');
});
