/**
 * schemas/lvs-cluster.schema.json and the validator agree: the same keys and enums, and a small draft-07
 * checker accepts the files the validator accepts and rejects unknown keys, secrets and bad values too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { ENUMS, OBJECT_KEYS, type ObjectKind } from '../../src/core/clusterFile/formatKeys';
import { IPVS_SYSCTLS } from '../../src/core/clusterFile/ipvsSysctls';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { clusterFileArbitrary } from '../builders/clusterFileArbitrary';
import { CLASSIC_DR_EXAMPLE, clusterFileWith, generateClusterFileText } from '../builders/clusterFileText';
import { clusterFileToYamlText } from '../builders/clusterFileYaml';

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  items?: Schema;
  minItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  not?: Schema;
  definitions?: Record<string, Schema>;
}

// Compiled output lives in out/test/unit; the schema at the repository root.
const root = join(__dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'lvs-cluster.schema.json'), 'utf8')) as Schema;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Errors of `value` against a draft-07 subset (what the cluster schema uses). */
function check(s: Schema, value: unknown, path = '$'): string[] {
  if (s.$ref) {
    const name = s.$ref.replace('#/definitions/', '');
    const target = schema.definitions?.[name];
    assert.ok(target, `unresolved ${s.$ref}`);
    return check(target, value, path);
  }
  const errors: string[] = [];
  const t = typeOf(value);
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${path}: type ${t}`];
  }
  if (s.const !== undefined && value !== s.const) errors.push(`${path}: const`);
  if (s.enum && !s.enum.includes(value)) errors.push(`${path}: enum`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: minimum`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: maximum`);
  }
  if (typeof value === 'string') {
    if (s.pattern && !new RegExp(s.pattern).test(value)) errors.push(`${path}: pattern`);
    if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${path}: maxLength`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${path}: minItems`);
    if (s.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errors.push(`${path}: uniqueItems`);
    if (s.items) value.forEach((v, i) => errors.push(...check(s.items as Schema, v, `${path}[${i}]`)));
  }
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) errors.push(`${path}: required ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      const p = s.properties?.[k];
      if (p) errors.push(...check(p, v, `${path}.${k}`));
      else if (s.additionalProperties === false) errors.push(`${path}: additional ${k}`);
    }
  }
  if (s.not && check(s.not, value, path).length === 0) errors.push(`${path}: not`);
  return errors;
}

function schemaErrors(text: string): string[] {
  return check(schema, parse(text));
}

function validatorErrors(text: string): string[] {
  return validateClusterFile(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}

const KIND_DEFINITION: Record<ObjectKind, Schema | undefined> = {
  root: schema,
  host: schema.definitions?.host,
  ssh: schema.definitions?.ssh,
  cluster: schema.definitions?.cluster,
  director: schema.definitions?.director,
  service: schema.definitions?.service,
  persistence: schema.definitions?.persistence,
  realServer: schema.definitions?.realServer,
  tunnel: schema.definitions?.tunnel,
  vrrp: schema.definitions?.vrrp,
  healthCheck: schema.definitions?.healthCheck,
  sorryServer: schema.definitions?.sorryServer,
  bgp: schema.definitions?.bgp,
  bgpPeer: schema.definitions?.bgpPeer,
};

describe('JSON schema and validator agree', () => {
  it('on the keys of every mapping, with additionalProperties false everywhere', () => {
    for (const [kind, def] of Object.entries(KIND_DEFINITION)) {
      assert.ok(def?.properties, `schema has no ${kind}`);
      assert.deepEqual(Object.keys(def.properties).sort(), [...OBJECT_KEYS[kind as ObjectKind]].sort(), kind);
      assert.equal(def.additionalProperties, false, kind);
    }
    const sysctls = schema.definitions?.sysctls;
    assert.deepEqual(Object.keys(sysctls?.properties ?? {}).sort(), Object.keys(IPVS_SYSCTLS).sort());
    assert.equal(sysctls?.additionalProperties, false);
  });

  it('on enums and sysctl ranges', () => {
    const d = schema.definitions ?? {};
    assert.deepEqual(d.service.properties?.protocol.enum, [...ENUMS.protocol]);
    assert.deepEqual(d.service.properties?.scheduler.enum, [...ENUMS.scheduler]);
    assert.deepEqual(d.service.properties?.schedulerFlags.items?.enum, [...ENUMS.schedulerFlag]);
    assert.deepEqual(d.service.properties?.family.enum, [...ENUMS.family]);
    assert.deepEqual(d.realServer.properties?.method.enum, [...ENUMS.method]);
    assert.deepEqual(d.tunnel.properties?.type.enum, [...ENUMS.tunnelType]);
    assert.deepEqual(d.tunnel.properties?.checksum.enum, [...ENUMS.tunnelChecksum]);
    assert.deepEqual(d.ssh.properties?.strictHostKeyChecking.enum, [...ENUMS.strictHostKeyChecking]);
    for (const [name, info] of Object.entries(IPVS_SYSCTLS)) {
      const p = d.sysctls.properties?.[name] as Schema;
      if (p.enum) assert.deepEqual([info.min, info.max], [0, 1], name);
      else assert.deepEqual([p.minimum, p.maximum], [info.min, info.max], name);
    }
  });

  it('on valid files: both accept them', () => {
    const samples = [
      CLASSIC_DR_EXAMPLE,
      clusterFileWith(),
      generateClusterFileText({ services: 20, realServersPerService: 3 }),
      ...fc.sample(clusterFileArbitrary, { numRuns: 40, seed: 42 }).map(clusterFileToYamlText),
    ];
    for (const text of samples) {
      assert.deepEqual(validatorErrors(text), [], text);
      assert.deepEqual(schemaErrors(text), [], text);
    }
  });

  it('on invalid files: both reject them', () => {
    const bad = [
      'version: 1\nclsuters: []\n',
      'version: 2\n',
      'version: 1\nhosts:\n  - name: a\n    ssh: { password: x }\n',
      'version: 1\nhosts:\n  - name: a\n    passphrase: x\n',
      clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 70000' }),
      clusterFileWith({ services: '- protocol: tpc\n  vip: 192.168.116.200\n  port: 80' }),
      clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80\n  scheduler: robin' }),
      clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80\n  realServers:\n    - { host: node1, weight: -1 }' }),
      clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80\n  realServers:\n    - { host: node1, address: 192.168.116.4 }' }),
      clusterFileWith({ clusterKeys: 'sysctls:\n  conntrack: 2' }),
      clusterFileWith({ clusterKeys: 'sysctls:\n  nonsense: 1' }),
      clusterFileWith({ directors: '- host: node3\n  interface: "eth0; reboot"' }),
      'version: 1\nclusters:\n  - name: c\n    directors: []\n',
    ];
    for (const text of bad) {
      assert.notDeepEqual(validatorErrors(text), [], `validator accepts:\n${text}`);
      assert.notDeepEqual(schemaErrors(text), [], `schema accepts:\n${text}`);
    }
  });
});
