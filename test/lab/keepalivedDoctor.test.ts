/**
 * `lvsctl doctor` on the keepalived pair of the lab (lab-ha), prepared and applied with lvsctl, then broken on
 * purpose with plain commands: a healthy pair has no keepalived finding and the master answering ARP for the
 * VIP is not "another MAC"; keepalived killed on director2 → keepalived-not-running; VRRP dropped by director2's
 * firewall → both directors hold the VIP → vip-split-brain; the live file edited → keepalived-conf-drift, and
 * made unparsable → keepalived-conf-invalid from the director's own `keepalived -t`; `vrrp_strict` added by hand
 * (no `accept`) → keepalived-strict-no-accept, and the client's request to the VIP indeed goes unanswered.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { parseKeepalivedVersion } from '../../src/core/keepalivedConf/neededVersion';
import { labRun, labSkipReason, resetLab, withLabLock } from '../support/lab';
import type { LabHost } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const VIP = '10.116.0.201';
const KA_CODES = /^(keepalived-|vip-|vrrp-|lvs-sync-|rs-check-failing$|arp-other-answers$)/;

interface Finding { severity: string; host: string; code: string; title: string }

/** Polls until `host` holds the VIP on eth0 (or, with `held` false, does not). */
async function waitVip(host: LabHost, held: boolean, polls = 60): Promise<void> {
  for (let i = 0; i < polls; i++) {
    if ((await labRun(host, 'ip -o addr show dev eth0')).includes(` ${VIP}/32 `) === held) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`${host} ${held ? 'never took' : 'kept'} ${VIP}`);
}

describe('lvsctl doctor on the keepalived pair (lab-ha)', { skip }, () => {
  const cli = labCliSuite('keepalived-doctor');
  const file = (): string => join(dirname(cli.lab.lvsYaml), 'lvs-ha.yaml');
  const doctor = async (): Promise<Finding[]> => {
    const r = await lvsctl(['doctor', file(), '--json', '--no-persist', ...cli.trustArgs()]);
    assert.ok(r.code === 0 || r.code === 1, `doctor exit ${r.code}: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  };
  const ka = (fs: Finding[]): string[] => fs.filter((f) => KA_CODES.test(f.code)).map((f) => `${f.host} ${f.code}`).sort();

  test('a healthy pair, keepalived stopped, split brain, an edited and a broken keepalived.conf', async (t) => {
    await withLabLock(async () => {
      await resetLab();
      const prep = await lvsctl(['prepare', file(), '--no-persist', ...cli.trustArgs()]);
      assert.equal(prep.code, 0, `${prep.stdout}\n${prep.stderr}`);
      const apply = await lvsctl(['apply', file(), '--yes', ...cli.trustArgs()]);
      assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
      await waitVip('director', true);

      await t.test('healthy: no keepalived finding; director2 hears director answer ARP for the VIP and that is fine', async () => {
        const arp = await labRun('director2', `busybox arping -c 2 -w 3 -I eth0 ${VIP} || true`);
        assert.match(arp, /reply from/i, `director (the master) answers ARP for the VIP: ${arp}`);
        assert.deepEqual(ka(await doctor()), []);
        // The probe's version line, as the director prints it: the release keepalived-too-old compares.
        assert.equal(parseKeepalivedVersion(await labRun('director', 'keepalived --version 2>&1 | head -n 1')), '2.2.7');
      });

      await t.test('keepalived killed on director2 → keepalived-not-running there', async () => {
        await labRun('director2', 'kill "$(cat /run/keepalived.pid)"; for i in $(seq 50); do pidof keepalived >/dev/null || exit 0; sleep 0.2; done; exit 1');
        assert.deepEqual(ka(await doctor()), ['director2 keepalived-not-running']);
        await labRun('director2', 'keepalived -f /etc/keepalived/keepalived.conf -p /run/keepalived.pid');
      });

      await t.test('VRRP dropped by director2 → both hold the VIP → vip-split-brain', async () => {
        try {
          await labRun('director2', 'iptables -I INPUT -p vrrp -j DROP');
          await waitVip('director2', true);
          const f = await doctor();
          assert.ok(ka(f).includes('director, director2 vip-split-brain'), JSON.stringify(ka(f)));
          assert.match(f.find((x) => x.code === 'vip-split-brain')?.title ?? '', /10\.116\.0\.201 held by director and director2 at once/);
        } finally {
          await labRun('director2', 'iptables -D INPUT -p vrrp -j DROP || true');
        }
        await waitVip('director2', false);
      });

      await t.test('vrrp_strict added by hand without accept → keepalived-strict-no-accept; the VIP then answers nothing', async () => {
        const conf = '/etc/keepalived/keepalived.conf';
        const before = await labRun('client', `curl -s -m 3 http://${VIP}/ || echo FAIL`, { timeoutMs: 30_000 });
        assert.match(before.trim(), /^rs[12]$/, `the VIP answers before: ${before}`);
        await labRun('director', `cp ${conf} /tmp/keepalived.conf.rendered && sed -i 's/^    router_id director$/&\\n    vrrp_strict/' ${conf} && grep -q '^    vrrp_strict$' ${conf} && kill -HUP "$(cat /run/keepalived.pid)"`);
        try {
          const f = await doctor();
          assert.deepEqual(ka(f), ['director keepalived-conf-drift', 'director keepalived-strict-no-accept']);
          const pit = f.find((x) => x.code === 'keepalived-strict-no-accept');
          assert.equal(pit?.severity, 'error');
          // The pitfall the finding names: keepalived's firewall rules drop the client's requests on the master.
          const curls = await labRun('client', `for i in 1 2 3; do curl -s -m 2 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 30_000 });
          assert.deepEqual(curls.trim().split('\n').map((l) => l.trim()), ['FAIL', 'FAIL', 'FAIL'], curls);
        } finally {
          await labRun('director', `cp /tmp/keepalived.conf.rendered ${conf} && kill -HUP "$(cat /run/keepalived.pid)"`);
        }
      });

      await t.test('the live file edited → drift; made unparsable → keepalived -t refuses it', async () => {
        await labRun('director', "sed -i 's/advert_int 1/advert_int 2/' /etc/keepalived/keepalived.conf");
        assert.deepEqual(ka(await doctor()), ['director keepalived-conf-drift']);
        await labRun('director', "sed -i 's/lvs_sched rr/lvs_sched no_such_scheduler/' /etc/keepalived/keepalived.conf");
        const f = await doctor();
        assert.deepEqual(ka(f), ['director keepalived-conf-drift', 'director keepalived-conf-invalid']);
        assert.match(f.find((x) => x.code === 'keepalived-conf-invalid')?.title ?? '', /keepalived -t refuses \/etc\/keepalived\/keepalived\.conf \(exit [1-9]/);
      });
      await resetLab();
    });
  });
});
