/**
 * YAML aliases of a parsed cluster file, resolved once: one pass over the document in source order (no
 * recursion, so nesting depth cannot overflow the stack) maps each alias to the anchored node it names, finds
 * aliases that refer to a node containing them (cycles), and counts how many nodes the walk would visit with
 * every alias expanded. The `yaml` library's own `Alias.resolve` walks the whole document per call; an alias
 * bomb (each level ten aliases of the one before) expands a few hundred bytes into billions of nodes.
 */

import { isAlias, isMap, isPair, isSeq, type Alias, type Document, type Node } from 'yaml';

export interface AliasIndex {
  /** Alias → the anchored node it names (cyclic and dangling aliases are absent). */
  targets: Map<Alias, Node>;
  /** Aliases inside the node they refer to, first one of each anchor. */
  cycles: Alias[];
  /** Nodes of the document as written. */
  nodes: number;
  /** Nodes a walk visits with every non-cyclic alias expanded; capped at `cap + 1`. */
  expanded: number;
  /** The alias whose expansion is the largest (where an over-budget diagnostic points). */
  largest?: Alias;
  /** Pass steps taken: one push and one pop per node as written (for tests: linear in the input). */
  steps: number;
}

/** Expansion allowed for a document of `nodes` nodes: a fixed allowance plus a multiple of its size. */
export function aliasBudget(nodes: number): number {
  return 50_000 + 16 * nodes;
}

interface Frame {
  node: Node;
  /** Children not yet visited, last one first out. */
  pending: Node[];
  size: number;
}

function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (item.key && typeof item.key === 'object') out.push(item.key as Node);
        if (item.value && typeof item.value === 'object') out.push(item.value as Node);
      } else if (item && typeof item === 'object') {
        out.push(item as Node);
      }
    }
  }
  return out.reverse();
}

export function indexAliases(doc: Document.Parsed, cap = Number.MAX_SAFE_INTEGER): AliasIndex {
  const index: AliasIndex = { targets: new Map(), cycles: [], nodes: 0, expanded: 0, steps: 0 };
  const root = doc.contents as Node | null;
  if (!root) return index;
  /** Anchor name → the latest node carrying it so far (YAML: an alias names the closest preceding anchor). */
  const anchors = new Map<string, Node>();
  /** Expanded size of every finished node. */
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  const cyclicAnchors = new Set<Node>();
  let largestSize = -1;
  const limit = (n: number): number => Math.min(n, cap + 1);

  const stack: Frame[] = [];
  const enter = (node: Node): void => {
    index.nodes++;
    index.steps++;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    open.add(node);
    stack.push({ node, pending: childrenOf(node), size: 1 });
  };
  enter(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const child = frame.pending.pop();
    if (child !== undefined) {
      if (isAlias(child)) {
        index.nodes++;
        index.steps++;
        const target = anchors.get(child.source);
        if (target === undefined) continue; // dangling: the yaml library reports it
        if (open.has(target)) {
          if (!cyclicAnchors.has(target)) { cyclicAnchors.add(target); index.cycles.push(child); }
          continue;
        }
        index.targets.set(child, target);
        const size = sizes.get(target) ?? 1;
        if (size > largestSize) { largestSize = size; index.largest = child; }
        frame.size = limit(frame.size + size);
      } else {
        enter(child);
      }
      continue;
    }
    stack.pop();
    index.steps++;
    open.delete(frame.node);
    sizes.set(frame.node, frame.size);
    const parent = stack[stack.length - 1];
    if (parent) parent.size = limit(parent.size + frame.size);
    else index.expanded = frame.size;
  }
  return index;
}
