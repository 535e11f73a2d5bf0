/**
 * Turns template text into nodes. Two passes: a scan that finds `#{…}` tokens (handling `##{` escapes),
 * then a block pass that pairs if/elseif/else/unless/each with their closers. Anything that does not
 * parse is kept as literal text and reported, never thrown: templates are often whole config or script
 * files that happen to contain `#{` for other reasons.
 */
import { findClosingBrace, parseInner, type InnerToken } from './expression-parser';
import type { TemplateNode, TemplateSyntaxProblem } from './template-ast';

export interface ParsedTemplate {
  nodes: TemplateNode[];
  problems: TemplateSyntaxProblem[];
}

type Flat = { type: 'text'; text: string } | { type: 'tag'; token: InnerToken; raw: string; offset: number };

const cache = new Map<string, ParsedTemplate>();
const CACHE_LIMIT = 2000;
const MAX_PROBLEMS = 20;

/** Charges the evaluation budget for characters scanned while a template is parsed. */
export type ScanCharge = (chars: number) => void;

// Set while a top-level parse runs, so the nested parses of indexers and filter arguments charge too.
let activeCharge: ScanCharge | undefined;

/**
 * Parses a template (memoised: variable values are re-evaluated many times during one deployment).
 * `charge` is told how many characters each token scan covered: an unclosed `#{` scans to the end of
 * the text, so text made of many of them is quadratic and must be bounded by the caller's budget.
 */
export function parseTemplate(text: string, charge?: ScanCharge): ParsedTemplate {
  const hit = cache.get(text);
  if (hit) return hit;
  const outer = activeCharge;
  if (charge) activeCharge = charge;
  let parsed: ParsedTemplate;
  try {
    parsed = parseUncached(text);
  } finally {
    activeCharge = outer;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, parsed);
  return parsed;
}

/** True when the text contains no template syntax at all (fast path for plain values). */
export function isPlainText(text: string): boolean {
  return !text.includes('#{');
}

function parseUncached(text: string): ParsedTemplate {
  const problems: TemplateSyntaxProblem[] = [];
  const flat = scan(text, problems);
  const builder = new BlockBuilder(flat, problems);
  const nodes = builder.sequence(0, new Set()).nodes;
  problems.sort((a, b) => a.offset - b.offset);
  const unique = dedupe(problems);
  // A text of thousands of stray "#{" is one problem to the reader, not thousands of warning lines.
  if (unique.length > MAX_PROBLEMS) {
    const more = unique.length - MAX_PROBLEMS;
    unique.length = MAX_PROBLEMS;
    unique.push({ message: `and ${more} more syntax problems not listed`, offset: unique[MAX_PROBLEMS - 1]!.offset, raw: '' });
  }
  return { nodes: mergeText(nodes), problems: unique };
}

function nestedParser(text: string): TemplateNode[] {
  return parseTemplate(text).nodes;
}

function scan(text: string, problems: TemplateSyntaxProblem[]): Flat[] {
  const out: Flat[] = [];
  let buf = '';
  let i = 0;
  const lastBrace = text.lastIndexOf('}');
  while (i < text.length) {
    const hash = text.indexOf('#', i);
    if (hash === -1) {
      buf += text.slice(i);
      break;
    }
    buf += text.slice(i, hash);
    let run = hash;
    while (text[run] === '#') run++;
    const count = run - hash;
    if (text[run] !== '{') {
      buf += text.slice(hash, run);
      i = run;
      continue;
    }
    // A run of hashes before `{`: every pair is one literal '#'; an odd one left over opens a token.
    buf += '#'.repeat(Math.floor(count / 2));
    if (count % 2 === 0) {
      buf += '{';
      i = run + 1;
      continue;
    }
    const open = run - 1;
    // No '}' after the opener: it cannot close, and scanning for one would make "#{#{#{…" quadratic.
    const close = run + 1 > lastBrace ? -1 : findClosingBrace(text, run + 1);
    activeCharge?.(Math.max(1, (close === -1 ? lastBrace : close) - run + 1));
    if (close === -1) {
      problems.push({ message: 'unclosed "#{" (no matching "}")', offset: open, raw: text.slice(open, Math.min(text.length, open + 40)) });
      buf += '#{';
      i = run + 1;
      continue;
    }
    const raw = text.slice(open, close + 1);
    const token = parseInner(text.slice(run + 1, close), nestedParser);
    if (token.kind === 'invalid') {
      if (!token.silent) problems.push({ message: token.message, offset: open, raw });
      // Keep the `#{` literal and rescan what follows it, so a real token inside still gets substituted.
      buf += '#{';
      i = run + 1;
      continue;
    }
    if (buf) out.push({ type: 'text', text: buf });
    buf = '';
    out.push({ type: 'tag', token, raw, offset: open });
    i = close + 1;
  }
  if (buf) out.push({ type: 'text', text: buf });
  return out;
}

type TagKind = InnerToken['kind'];

class BlockBuilder {
  constructor(
    private readonly flat: Flat[],
    private readonly problems: TemplateSyntaxProblem[],
  ) {}

  sequence(start: number, stops: Set<TagKind>): { nodes: TemplateNode[]; pos: number; stop?: TagKind } {
    const nodes: TemplateNode[] = [];
    let pos = start;
    while (pos < this.flat.length) {
      const item = this.flat[pos]!;
      if (item.type === 'text') {
        nodes.push({ kind: 'text', text: item.text });
        pos++;
        continue;
      }
      const t = item.token;
      if (stops.has(t.kind)) return { nodes, pos, stop: t.kind };
      if (t.kind === 'sub') {
        nodes.push({ kind: 'sub', expr: t.expr, raw: item.raw });
        pos++;
      } else if (t.kind === 'calc') {
        nodes.push({ kind: 'calc', expr: t.expr, raw: item.raw });
        pos++;
      } else if (t.kind === 'if' || t.kind === 'unless' || t.kind === 'each') {
        const block = t.kind === 'each' ? this.each(pos) : this.conditional(pos);
        if (block) {
          nodes.push(block.node);
          pos = block.pos;
        } else {
          this.problems.push({ message: `"${item.raw}" has no matching ${t.kind === 'each' ? '#{/each}' : t.kind === 'if' ? '#{/if}' : '#{/unless}'}`, offset: item.offset, raw: item.raw });
          nodes.push({ kind: 'text', text: item.raw });
          pos++;
        }
      } else {
        this.problems.push({ message: `"${item.raw}" is not inside a matching block`, offset: item.offset, raw: item.raw });
        nodes.push({ kind: 'text', text: item.raw });
        pos++;
      }
    }
    return { nodes, pos };
  }

  private conditional(pos: number): { node: TemplateNode; pos: number } | null {
    const opener = this.flat[pos] as Extract<Flat, { type: 'tag' }>;
    const isUnless = opener.token.kind === 'unless';
    const closer: TagKind = isUnless ? 'endunless' : 'endif';
    const stops = new Set<TagKind>(isUnless ? ['else', closer] : ['elseif', 'else', closer]);
    const branches: Array<{ condition: import('./template-ast').Condition; body: TemplateNode[] }> = [];
    let condition = (opener.token as { condition: import('./template-ast').Condition }).condition;
    let p = pos + 1;
    for (;;) {
      const r = this.sequence(p, stops);
      if (!r.stop) return null;
      branches.push({ condition, body: mergeText(r.nodes) });
      if (r.stop === closer) return { node: { kind: 'if', negate: isUnless, branches }, pos: r.pos + 1 };
      if (r.stop === 'elseif') {
        condition = (this.flat[r.pos] as { token: { condition: import('./template-ast').Condition } }).token.condition;
        p = r.pos + 1;
        continue;
      }
      const e = this.sequence(r.pos + 1, new Set([closer]));
      if (!e.stop) return null;
      return { node: { kind: 'if', negate: isUnless, branches, elseBody: mergeText(e.nodes) }, pos: e.pos + 1 };
    }
  }

  private each(pos: number): { node: TemplateNode; pos: number } | null {
    const opener = this.flat[pos] as Extract<Flat, { type: 'tag' }>;
    const t = opener.token as Extract<InnerToken, { kind: 'each' }>;
    const r = this.sequence(pos + 1, new Set(['endeach']));
    if (!r.stop) return null;
    return { node: { kind: 'each', variable: t.variable, collection: t.collection, body: mergeText(r.nodes) }, pos: r.pos + 1 };
  }
}

function mergeText(nodes: TemplateNode[]): TemplateNode[] {
  const out: TemplateNode[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + n.text };
    else out.push(n);
  }
  return out;
}

function dedupe(problems: TemplateSyntaxProblem[]): TemplateSyntaxProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.offset}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
