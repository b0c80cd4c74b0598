/**
 * A unified diff of two texts, line by line (longest common subsequence), with three lines of context:
 * what the plan of a keepalived cluster shows for each director's configuration and IPVS table. Files of a
 * few thousand lines diff in well under a second; beyond that the diff degrades to "replace everything".
 */

const CONTEXT = 3;
/** Above this many cells the LCS table is not built: every old line is removed and every new one added. */
const MAX_CELLS = 16_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  // Common head and tail first: most plans change a few lines in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const middle: Op[] = [];
  if ((am.length + 1) * (bm.length + 1) > MAX_CELLS) {
    for (const l of am) middle.push({ kind: '-', line: l });
    for (const l of bm) middle.push({ kind: '+', line: l });
  } else {
    const n = am.length;
    const m = bm.length;
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) { middle.push({ kind: ' ', line: am[i] }); i++; j++; }
      else if (i < n && (j === m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) { middle.push({ kind: '-', line: am[i] }); i++; }
      else { middle.push({ kind: '+', line: bm[j] }); j++; }
    }
  }
  return [
    ...a.slice(0, head).map((line): Op => ({ kind: ' ', line })),
    ...middle,
    ...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line })),
  ];
}

/** `diff -u` of `before` → `after` with the given file labels; '' when the texts have the same lines. */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }): string {
  const ops = diffOps(splitLines(before), splitLines(after));
  if (!ops.some((o) => o.kind !== ' ')) return '';
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  // Positions (old line, new line) of every op, to number the hunks.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.kind !== '+') o++;
    if (op.kind !== '-') n++;
  }
  let k = 0;
  while (k < ops.length) {
    if (ops[k].kind === ' ') { k++; continue; }
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend the hunk while the next change is within 2 × CONTEXT unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end].kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap].kind === ' ' && gap - end < 2 * CONTEXT) gap++;
      if (gap < ops.length && ops[gap].kind !== ' ') { end = gap; continue; }
      end = Math.min(ops.length, end + CONTEXT);
      break;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((x) => x.kind !== '+').length;
    const newCount = hunk.filter((x) => x.kind !== '-').length;
    const oldStart = oldCount === 0 ? oldAt[start] - 1 : oldAt[start];
    const newStart = newCount === 0 ? newAt[start] - 1 : newAt[start];
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const x of hunk) out.push(`${x.kind}${x.line}`);
    k = end;
  }
  return `${out.join('\n')}\n`;
}
