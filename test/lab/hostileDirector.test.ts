/**
 * A broken or hostile director, end to end (issue 18, item 4): the director's ipvsadm is replaced — in the
 * director's own mount namespace only, by a bind mount that a lab reset drops — by a script that prints what no
 * kernel prints. lvsctl must answer with a clear error naming the director and the listing, exit 4 ("a director
 * could not be read"), and never throw or build a plan on absurd numbers; terminal control sequences the
 * director writes never reach lvsctl's output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labCliSuite, lvsctl } from '../support/labCli';
import { labRun, labSkipReason, resetLab, withLabLock } from '../support/lab';

const skip = labSkipReason();

/**
 * A fake ipvsadm: `-S -n` and `--thresholds` print `save` / `thresholds` (and `stderr`, exiting with `exit`);
 * anything else runs the real one.
 */
function fakeIpvsadm(save: string[], thresholds: string[], stderr = '', exit = 0): string {
  const lines = (l: string[]): string => l.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ');
  return [
    '#!/bin/sh',
    'case " $* " in',
    `  *" -S "*) printf '%s\\n' ${lines(save)}; ${stderr ? `printf '${stderr}' >&2;` : ''} exit ${exit} ;;`,
    `  *" --thresholds "*) printf '%s\\n' ${lines(thresholds)}; ${stderr ? `printf '${stderr}' >&2;` : ''} exit ${exit} ;;`,
    '  *) exec /run/ipvsadm.real "$@" ;;',
    'esac',
  ].join('\n');
}

const HEAD = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn', '  -> RemoteAddress:Port'];

async function withFake(script: string, fn: () => Promise<void>): Promise<void> {
  await labRun('director', `cp /usr/sbin/ipvsadm /run/ipvsadm.real && cat > /run/ipvsadm.fake <<'EOF'\n${script}\nEOF\nchmod 755 /run/ipvsadm.fake && mount --bind /run/ipvsadm.fake /usr/sbin/ipvsadm`);
  try {
    await fn();
  } finally {
    await labRun('director', 'umount /usr/sbin/ipvsadm; rm -f /run/ipvsadm.fake /run/ipvsadm.real; true');
  }
}

describe('a broken or hostile director on the lab', { skip }, () => {
  const cli = labCliSuite('hostile');

  test('absurd listings (a weight past 65535, a connection count past 2^53) are refused with the director and the listing named, exit 4', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('dr');
      // `fwmark`: a real firewall-mark service makes the live read list -S too (weights come from
      // /proc/net/ip_vs otherwise, which a fake ipvsadm cannot change).
      const cases: { what: string; save: string[]; thresholds: string[]; expect: RegExp; fwmark?: true }[] = [
        {
          what: 'weight 99999999 in ipvsadm -S -n',
          fwmark: true,
          save: ['-A -t 10.116.0.200:80 -s rr', '-a -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 99999999'],
          thresholds: [...HEAD, 'TCP  10.116.0.200:80 rr', '  -> 10.116.0.11:80               0          0          1          41'],
          expect: /ipvsadm -S -n/,
        },
        {
          what: 'ActiveConn 99999999999999999999 in ipvsadm -Ln --thresholds',
          save: ['-A -t 10.116.0.200:80 -s rr', '-a -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 1'],
          thresholds: [...HEAD, 'TCP  10.116.0.200:80 rr', '  -> 10.116.0.11:80               0          0          99999999999999999999 41'],
          expect: /ipvsadm -Ln --thresholds/,
        },
        {
          what: 'a real-server row with no address',
          save: ['-A -t 10.116.0.200:80 -s rr'],
          thresholds: [...HEAD, 'TCP  10.116.0.200:80 rr', '  -> '],
          expect: /ipvsadm -Ln --thresholds/,
        },
      ];
      for (const c of cases) {
        if (c.fwmark) await labRun('director', 'ipvsadm -A -f 7 -s rr');
        await withFake(fakeIpvsadm(c.save, c.thresholds), async () => {
          const r = await lvsctl(['plan', file, ...cli.trustArgs()]);
          const out = `${r.stdout}${r.stderr}`;
          assert.equal(r.code, 4, `${c.what}: exit ${r.code}\n${out}`);
          assert.match(out, /director/, `${c.what}: the director is named\n${out}`);
          assert.match(out, c.expect, `${c.what}: the listing is named\n${out}`);
          assert.match(out, /line \d+/, `${c.what}: the line is named\n${out}`);
          assert.doesNotMatch(out, /TypeError|RangeError|\n\s+at .+:\d+:\d+\)?\n/, `${c.what}: no exception\n${out}`);
          assert.doesNotMatch(out, /^\s*[+~-] /m, `${c.what}: no plan step built on it\n${out}`);
        });
        if (c.fwmark) await labRun('director', 'ipvsadm -D -f 7');
      }
      // The real ipvsadm back: the same plan reads the director.
      const ok = await lvsctl(['plan', file, ...cli.trustArgs()]);
      assert.equal(ok.code, 0, `${ok.stdout}${ok.stderr}`);
    });
  });

  test('terminal control sequences in the director\'s stderr never reach lvsctl\'s output', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('dr');
      // An OSC title change, a screen clear and a colour, then the text an operator should read.
      const script = fakeIpvsadm([], [...HEAD], '\\033]0;owned\\007\\033[2J\\033[31mipvsadm: Memory allocation problem\\n', 1);
      await withFake(script, async () => {
        const r = await lvsctl(['plan', file, ...cli.trustArgs()]);
        const out = `${r.stdout}${r.stderr}`;
        assert.equal(r.code, 4, out);
        assert.match(out, /director/);
        assert.match(out, /Memory allocation problem/, 'the message itself is kept');
        assert.doesNotMatch(out, /\x1b|\x07/, `no escape or bell character: ${JSON.stringify(out)}`);
      });
    });
  });
});
