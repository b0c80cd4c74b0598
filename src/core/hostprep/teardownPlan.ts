/**
 * The reverse of a preparation, pure: from the record kept on the host (what prepare added, with the values
 * before) and the host's current state → steps that remove exactly that and restore previous values.
 */
import { IPVS_SYSCTLS } from '../clusterFile/ipvsSysctls';
import { parseAddress } from '../ipvs/address';
import { isInterfaceName } from '../clusterFile/stringRules';
import type { HostPlan, PlanStep } from './hostPlan';
import { assertSafePath } from './hostPlan';
import type { HostState, StateQuery } from './hostState';
import type { PrepRecord } from './prepRecord';
import { dirname } from 'node:path';
import { PREPARED_FILES } from './persistence';
import { delAddressAction, linkAction, removeEmptyDirAction, removeFileAction, setSysctlAction, writeFileAction } from './remoteAction';
import { sysctlProcPath } from './sysctlNames';

const SYSCTL_KEY = /^[a-z0-9_]+(?:\.[A-Za-z0-9_.@-]+)+$/;

/**
 * The record comes from the host, where anyone with root there (or a bug) may have changed it: check it like
 * the cluster file before it becomes commands. Files are limited to those prepare writes (PREPARED_FILES),
 * sysctls to `net.*`: a tampered record cannot make teardown delete or overwrite anything else.
 */
export function assertSafeRecord(host: string, r: PrepRecord): void {
  const bad: string[] = [];
  for (const a of r.addresses) {
    if (!isInterfaceName(a.dev) || parseAddress(a.address)?.family !== a.family || !Number.isInteger(a.prefix)) bad.push(`address ${JSON.stringify(a)}`);
  }
  for (const [k, v] of Object.entries(r.sysctls)) {
    if (!SYSCTL_KEY.test(k) || !k.startsWith('net.') || k.includes('..') || (v !== null && (typeof v !== 'string' || !/^-?\d{1,10}$/.test(v)))) bad.push(`sysctl ${JSON.stringify(k)}`);
  }
  for (const [p, before] of Object.entries(r.files)) {
    try { assertSafePath(p); } catch { bad.push(`file ${JSON.stringify(p)}`); continue; }
    if (!PREPARED_FILES.includes(p)) bad.push(`file ${JSON.stringify(p)} (not one prepare writes)`);
    else if (before !== null && typeof before !== 'string') bad.push(`file ${JSON.stringify(p)} content`);
  }
  for (const l of r.links) if (!isInterfaceName(l)) bad.push(`link ${JSON.stringify(l)}`);
  if (bad.length) throw new Error(`${host}: the record of prepared changes holds unsafe values: ${bad.join(', ')}`);
}

export function teardownQuery(record: PrepRecord, statePath: string): StateQuery {
  const files = Object.keys(record.files);
  return {
    sysctlPaths: Object.keys(record.sysctls).map(sysctlProcPath),
    files: [statePath, ...files.filter((f) => f !== statePath)],
    paths: files,
  };
}

export function teardownPlan(host: string, record: PrepRecord, state: HostState, statePath: string): HostPlan {
  assertSafeRecord(host, record);
  assertSafePath(statePath);
  const steps: PlanStep[] = [];
  for (const a of record.addresses) {
    const present = state.addresses.some((x) => x.address === a.address && x.dev === a.dev);
    steps.push({ id: `address ${a.address} ${a.dev}`, title: `remove ${a.address}/${a.prefix} from ${a.dev}`, why: 'added by lvsctl prepare', status: present ? 'change' : 'done', current: present ? 'present' : 'absent', actions: present ? [delAddressAction(a)] : [] });
  }
  for (const [key, before] of Object.entries(record.sysctls)) {
    const current = state.sysctls.get(sysctlProcPath(key));
    const kernelDefault = key.startsWith('net.ipv4.vs.') ? IPVS_SYSCTLS[key.slice('net.ipv4.vs.'.length)]?.kernelDefault : undefined;
    if (before === null && kernelDefault !== undefined && current !== undefined) {
      const done = current === String(kernelDefault);
      steps.push({ id: `sysctl ${key}`, title: `${key} back to the kernel default ${kernelDefault}`, why: 'set by lvsctl prepare after loading ip_vs', status: done ? 'done' : 'change', current: `is ${current}`, actions: done ? [] : [setSysctlAction(key, String(kernelDefault))] });
      continue;
    }
    if (before === null) {
      steps.push({ id: `sysctl ${key}`, title: `${key}: left as is`, why: 'it did not exist before prepare (its module was not loaded)', status: 'done', current: current === undefined ? 'absent' : `is ${current}`, actions: [] });
      continue;
    }
    const done = current === undefined || current === before;
    steps.push({ id: `sysctl ${key}`, title: `${key} back to ${before}`, why: 'changed by lvsctl prepare', status: done ? 'done' : 'change', current: current === undefined ? 'absent' : `is ${current}`, actions: done ? [] : [setSysctlAction(key, before)] });
  }
  for (const [path, before] of Object.entries(record.files)) {
    if (before === null) {
      const exists = state.paths.get(path) === true || (state.files.get(path) ?? null) !== null;
      steps.push({ id: `file ${path}`, title: `remove ${path}`, why: 'written by lvsctl prepare', status: exists ? 'change' : 'done', current: exists ? 'present' : 'absent', actions: exists ? [removeFileAction(path)] : [] });
    } else {
      const done = state.files.get(path) === before;
      steps.push({ id: `file ${path}`, title: `restore ${path}`, why: 'overwritten by lvsctl prepare', status: done ? 'done' : 'change', current: done ? 'previous content' : 'our content', actions: done ? [] : [writeFileAction(path, before)] });
    }
  }
  for (const dev of record.links) {
    const up = state.links.get(dev) === true;
    steps.push({ id: `link ${dev}`, title: `${dev} down`, why: 'brought up by lvsctl prepare', status: up ? 'change' : 'done', current: up ? 'up' : 'down or absent', actions: up ? [linkAction(dev, 'down')] : [] });
  }
  const recordPresent = (state.files.get(statePath) ?? null) !== null;
  steps.push({ id: 'record', title: `remove ${statePath}`, why: 'nothing prepared is left to track', status: recordPresent ? 'change' : 'done', current: recordPresent ? 'present' : 'absent', actions: recordPresent ? [removeFileAction(statePath), removeEmptyDirAction(dirname(statePath))] : [] });
  return { host, roles: ['teardown'], init: 'none', steps };
}
