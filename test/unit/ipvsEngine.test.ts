/** The in-memory ipvsadm: kernel semantics and ipvsadm's error messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IpvsCommand } from '../../src/core/ipvs/ipvsCommand';
import { applyCommand, applyCommands } from '../../src/core/ipvs/ipvsEngine';
import type { IpvsRealServer, ServiceKey } from '../../src/core/ipvs/types';

const key: ServiceKey = { kind: 'addr', protocol: 'tcp', address: '10.0.0.1', port: 80, family: 'inet' };
const rs = (address: string, extra: Partial<IpvsRealServer> = {}): IpvsRealServer => ({ address, port: 80, family: 'inet', method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0, ...extra });
const add: IpvsCommand = { kind: 'add-service', service: { key, scheduler: 'rr', schedFlags: [], onePacket: false } };

test('errors are the kernel/ipvsadm messages', () => {
  const { errors } = applyCommands({ services: [] }, [
    { kind: 'add-server', key, server: rs('10.0.0.2') },
    add,
    add,
    { kind: 'add-server', key, server: rs('10.0.0.2') },
    { kind: 'add-server', key, server: rs('10.0.0.2') },
    { kind: 'edit-server', key, server: rs('10.0.0.3') },
    { kind: 'delete-server', key, server: { address: '10.0.0.3', port: 80, family: 'inet' } },
    { kind: 'edit-service', service: { ...add.service, key: { ...key, port: 81 } } },
    { kind: 'delete-service', key: { ...key, port: 81 } },
    { kind: 'zero', key: { ...key, port: 81 } },
    { kind: 'add-server', key, server: rs('10.0.0.4', { upperThreshold: 1, lowerThreshold: 2 }) },
  ]);
  assert.deepEqual(errors, [
    'Service not defined', undefined, 'Service already exists', undefined, 'Destination already exists', 'No such destination',
    'No such destination', 'No such service', 'No such service', 'No such service', 'Numerical result out of range',
  ]);
});

test('the input table is never modified; edit keeps real servers', () => {
  const t0 = applyCommands({ services: [] }, [add, { kind: 'add-server', key, server: rs('10.0.0.2') }]).table;
  const snapshot = JSON.stringify(t0);
  const { table, error } = applyCommand(t0, { kind: 'edit-service', service: { ...add.service, scheduler: 'wlc' } });
  assert.equal(error, undefined);
  assert.equal(JSON.stringify(t0), snapshot);
  assert.equal(table.services[0].scheduler, 'wlc');
  assert.equal(table.services[0].realServers.length, 1);
  assert.equal(applyCommand(table, { kind: 'flush' }).table.services.length, 0);
});
