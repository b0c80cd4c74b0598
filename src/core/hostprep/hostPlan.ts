/**
 * The decision, pure: requirements + the host's current state → a plan of steps, each already done, to
 * change (with its actions), or manual (reported with a fix, never changed silently). Running the same
 * decision on the state after the changes is the verification: an empty "change" list.
 */
import { parseAddress } from '../ipvs/address';
import { isInterfaceName, isVipLabel } from '../clusterFile/stringRules';
import type { HostRequirements } from './hostRequirements';
import type { HostState } from './hostState';
import type { StateQuery } from './hostState';
import {
  addAddressAction, linkAction, modprobeAction, setSysctlAction, symlinkAction, writeFileAction,
} from './remoteAction';
import type { RemoteAction } from './remoteAction';
import { DEFAULT_STATE_FILE, SYSTEMD_UNIT, SYSTEMD_WANTS, persistenceFiles } from './persistence';
import type { InitSystem } from './persistence';
import { emptyRecord, isEmptyRecord, mergeRecords, parseRecord, serializeRecord } from './prepRecord';
import { sysctlProcPath } from './sysctlNames';

export type StepStatus = 'done' | 'change' | 'manual';

export interface PlanStep {
  id: string;
  title: string;
  why: string;
  status: StepStatus;
  /** The current state in words (`is 0`, `absent`). */
  current?: string;
  actions: RemoteAction[];
  /** For manual steps: what the operator should do. */
  fix?: string;
  /** For manual steps. */
  severity?: 'error' | 'warning';
}

export interface HostPlan {
  host: string;
  roles: string[];
  init: InitSystem;
  steps: PlanStep[];
}

export interface PlanOptions {
  /** Write sysctl.d / modules-load.d / boot-time VIP restore (default true). */
  persist?: boolean;
  /** `auto` (default): systemd when /run/systemd/system exists, else ifupdown when ifup and /etc/network/if-up.d exist. */
  init?: InitSystem | 'auto';
  /** Where the record of our changes lives on the host (default /var/lib/vscode-lvs/hostprep.json). */
  statePath?: string;
}

const MODULE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CONF_KEY = /^net\.ipv[46]\.conf\.(.+)\.[a-z0-9_]+$/;
const SYSCTL_KEY = /^[a-z0-9_]+(?:\.[A-Za-z0-9_.@-]+)+$/;
const SYSCTL_VALUE = /^-?\d{1,10}$/;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;

/** Refuses any value that is not plainly safe, before anything becomes a command (quoting covers the rest). */
export function assertSafeRequirements(req: HostRequirements): void {
  const bad: string[] = [];
  for (const m of req.modules) if (!MODULE.test(m.name)) bad.push(`module ${JSON.stringify(m.name)}`);
  for (const l of req.linksUp) if (!isInterfaceName(l.dev)) bad.push(`link ${JSON.stringify(l.dev)}`);
  for (const s of req.sysctls) {
    const conf = CONF_KEY.exec(s.key);
    if (!SYSCTL_KEY.test(s.key) || s.key.includes('..') || (conf && !['all', 'default'].includes(conf[1]) && !isInterfaceName(conf[1]))) bad.push(`sysctl ${JSON.stringify(s.key)}`);
    if (!SYSCTL_VALUE.test(s.value)) bad.push(`sysctl value ${JSON.stringify(s.value)}`);
  }
  for (const a of req.addresses) {
    if (!isInterfaceName(a.dev)) bad.push(`interface ${JSON.stringify(a.dev)}`);
    if (a.label !== undefined && !isVipLabel(a.label)) bad.push(`label ${JSON.stringify(a.label)}`);
    if (parseAddress(a.address)?.family !== a.family) bad.push(`address ${JSON.stringify(a.address)}`);
  }
  for (const r of req.routeChecks) {
    if (!parseAddress(r.target)) bad.push(`route target ${JSON.stringify(r.target)}`);
  }
  if (bad.length) throw new Error(`${req.host}: refusing unsafe values: ${bad.join(', ')}`);
}

export function assertSafePath(path: string): void {
  if (!SAFE_PATH.test(path) || path.includes('..')) throw new Error(`refusing unsafe path ${JSON.stringify(path)}`);
}

/** What `planHost` needs to read. */
export function prepareQuery(req: HostRequirements, options: PlanOptions = {}): StateQuery {
  const statePath = options.statePath ?? DEFAULT_STATE_FILE;
  const persist = options.persist ?? true;
  const files = [statePath];
  if (persist) {
    // Every init system's files: detection happens on the state, and a changed init system must still be seen.
    for (const init of ['systemd', 'ifupdown'] as const) for (const f of persistenceFiles(req, init)) if (!files.includes(f.path)) files.push(f.path);
  }
  return {
    sysctlPaths: req.sysctls.map((s) => sysctlProcPath(s.key)),
    files,
    paths: persist ? [SYSTEMD_WANTS] : [],
    routes: req.routeChecks.map((r) => r.target),
  };
}

export function detectInit(state: HostState): InitSystem {
  if (state.init.systemd) return 'systemd';
  if (state.init.ifupdown) return 'ifupdown';
  return 'none';
}

export function planHost(req: HostRequirements, state: HostState, options: PlanOptions = {}): HostPlan {
  assertSafeRequirements(req);
  const statePath = options.statePath ?? DEFAULT_STATE_FILE;
  assertSafePath(statePath);
  const persist = options.persist ?? true;
  const init: InitSystem = !options.init || options.init === 'auto' ? detectInit(state) : options.init;
  const steps: PlanStep[] = [];
  const added = emptyRecord();

  for (const n of req.manual) {
    steps.push({ id: n.id, title: n.title, why: n.why, status: 'manual', actions: [], fix: n.fix, severity: 'error' });
  }
  for (const m of req.modules) {
    const loaded = state.modules.has(m.name);
    steps.push({ id: `module ${m.name}`, title: `kernel module ${m.name} loaded`, why: m.why, status: loaded ? 'done' : 'change', current: loaded ? 'loaded' : 'not loaded', actions: loaded ? [] : [modprobeAction(m.name)] });
  }
  for (const l of req.linksUp) {
    const up = state.links.get(l.dev);
    steps.push({ id: `link ${l.dev}`, title: `${l.dev} up`, why: l.why, status: up ? 'done' : 'change', current: up === undefined ? 'absent' : up ? 'up' : 'down', actions: up ? [] : [linkAction(l.dev, 'up')] });
    if (!up) added.links.push(l.dev);
  }
  for (const s of req.sysctls) {
    const current = state.sysctls.get(sysctlProcPath(s.key));
    const done = current === s.value;
    steps.push({ id: `sysctl ${s.key}`, title: `${s.key} = ${s.value}`, why: s.why, status: done ? 'done' : 'change', current: current === undefined ? 'absent' : `is ${current}`, actions: done ? [] : [setSysctlAction(s.key, s.value)] });
    if (!done) added.sysctls[s.key] = current ?? null;
  }
  for (const a of req.addresses) {
    const here = state.addresses.filter((x) => x.address === a.address);
    const onDev = here.find((x) => x.dev === a.dev);
    const id = `address ${a.address} ${a.dev}`;
    const title = `${a.address}/${a.prefix} on ${a.dev}${a.label !== undefined ? ` (label ${a.label})` : ''}`;
    if (!onDev) {
      steps.push({ id, title, why: a.why, status: 'change', current: 'absent', actions: [addAddressAction(a)] });
      added.addresses.push({ address: a.address, family: a.family, prefix: a.prefix, dev: a.dev });
    } else if (onDev.prefix !== a.prefix || (a.label !== undefined && onDev.label !== a.label)) {
      steps.push({ id, title, why: a.why, status: 'manual', severity: 'error', current: `present as /${onDev.prefix}${onDev.label ? ` label ${onDev.label}` : ''}`, actions: [], fix: `ip addr del ${a.address}/${onDev.prefix} dev ${a.dev}, then rerun lvsctl prepare (it was not added by us, so it is not changed silently)` });
    } else {
      steps.push({ id, title, why: a.why, status: 'done', current: 'present', actions: [] });
    }
    for (const other of here.filter((x) => x.dev !== a.dev)) {
      if (req.addresses.some((r) => r.address === a.address && r.dev === other.dev)) continue;
      steps.push({
        id: `stray ${a.address} ${other.dev}`, title: `${a.address} must not be on ${other.dev}`, status: 'manual', severity: 'error',
        why: other.family === 'inet' ? `an address on ${other.dev} is answered in ARP there: the host competes with the director for the VIP` : `the VIP on ${other.dev} is answered in neighbour discovery there`,
        current: `present on ${other.dev}`, actions: [], fix: `ip addr del ${a.address}/${other.prefix} dev ${other.dev}`,
      });
    }
  }
  for (const r of req.routeChecks) {
    const route = state.routes.get(r.target);
    const ok = route?.via !== undefined && r.expectVia.includes(route.via);
    steps.push({
      id: `route ${r.target}`, title: `replies to clients go through the director (${r.expectVia.join(' or ') || 'no director address'})`,
      why: r.why, status: ok ? 'done' : 'manual', severity: 'error', current: route ? route.raw : 'unknown', actions: [],
      ...(ok ? {} : { fix: `make a director the gateway, e.g. ip route replace default via ${r.expectVia[0] ?? 'DIRECTOR'} (routes are never changed by lvsctl prepare)` }),
    });
  }
  if (persist) {
    const files = persistenceFiles(req, init);
    for (const f of files) {
      const current = state.files.get(f.path);
      const done = current === f.content;
      steps.push({ id: `file ${f.path}`, title: `${f.path} up to date`, why: f.why, status: done ? 'done' : 'change', current: current === null || current === undefined ? 'absent' : done ? 'same content' : 'different content', actions: done ? [] : [writeFileAction(f.path, f.content, f.mode)] });
      if (!done) added.files[f.path] = current ?? null;
    }
    if (init === 'systemd' && files.some((f) => f.path === SYSTEMD_UNIT)) {
      const enabled = state.paths.get(SYSTEMD_WANTS) === true;
      steps.push({ id: `enable ${SYSTEMD_UNIT}`, title: 'lvs-vips.service enabled at boot', why: 'multi-user.target starts it', status: enabled ? 'done' : 'change', current: enabled ? 'enabled' : 'not enabled', actions: enabled ? [] : [symlinkAction(SYSTEMD_UNIT, SYSTEMD_WANTS)] });
      if (!enabled) added.files[SYSTEMD_WANTS] = null;
    }
    if (init === 'none' && (req.addresses.length > 0 || req.linksUp.length > 0)) {
      steps.push({ id: 'persist vips', title: 'VIPs not persisted: no supported init system', why: 'neither systemd (/run/systemd/system) nor ifupdown (ifup with /etc/network/if-up.d) was found; sysctls and modules are persisted, the addresses are lost at reboot', status: 'manual', severity: 'warning', actions: [], fix: 'restore the addresses at boot with your init system (see docs/hostprep.md), or rerun with --init systemd|ifupdown' });
    }
  }
  if (!isEmptyRecord(added)) {
    const previous = parseRecord(state.files.get(statePath), statePath);
    const merged = mergeRecords(previous, added);
    steps.unshift({ id: 'record', title: `record the changes in ${statePath}`, why: 'teardown removes exactly what prepare added and restores previous values', status: 'change', actions: [writeFileAction(statePath, serializeRecord(merged), '0600')] });
  }
  return { host: req.host, roles: req.roles, init, steps };
}

export function planActions(plan: HostPlan): RemoteAction[] {
  return plan.steps.flatMap((s) => (s.status === 'change' ? s.actions : []));
}

export function pendingSteps(plan: HostPlan): PlanStep[] {
  return plan.steps.filter((s) => s.status === 'change');
}

