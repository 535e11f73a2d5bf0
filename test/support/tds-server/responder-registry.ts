import type { ResponderHandle, ResponderSpec, ResponseSpec, TdsRequest, TextMatcher } from './responder-types';

function matchText(m: TextMatcher, text: string | undefined): boolean {
  if (text === undefined) return false;
  if (typeof m === 'string') return text.toLowerCase().includes(m.toLowerCase());
  if (m instanceof RegExp) {
    m.lastIndex = 0;
    return m.test(text);
  }
  return m(text);
}

function nameParts(name: string): string[] {
  return name
    .split('.')
    .map((p) => p.trim().replace(/^\[(.*)\]$/s, '$1').replace(/^"(.*)"$/s, '$1').toLowerCase());
}

/** True when `actual` (e.g. `[SSISDB].[catalog].[deploy_project]`) ends with the parts of `wanted` (e.g. `catalog.deploy_project`). */
export function procedureMatches(wanted: string | RegExp, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (wanted instanceof RegExp) {
    wanted.lastIndex = 0;
    return wanted.test(actual);
  }
  const w = nameParts(wanted);
  const a = nameParts(actual);
  if (w.length > a.length) return false;
  return w.every((part, i) => part === a[a.length - w.length + i]);
}

interface Entry {
  spec: ResponderSpec;
  calls: number;
  removed: boolean;
}

/**
 * Holds responders and finds the answer for a request. The most recently added responder is asked
 * first, so a test can override what a plugin (or an earlier test step) registered.
 */
export class ResponderRegistry {
  private entries: Entry[] = [];

  /** Registers a responder; returns a handle to count its calls or remove it. */
  add(spec: ResponderSpec): ResponderHandle {
    const entry: Entry = { spec, calls: 0, removed: false };
    this.entries.push(entry);
    return {
      name: spec.name,
      get calls() {
        return entry.calls;
      },
      remove: () => {
        entry.removed = true;
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  /** Removes every responder. */
  clear(): void {
    this.entries = [];
  }

  private matches(spec: ResponderSpec, req: TdsRequest): boolean {
    if (spec.sql !== undefined && !matchText(spec.sql, req.text)) return false;
    if (spec.batch !== undefined && (req.kind !== 'batch' || !matchText(spec.batch, req.text))) return false;
    if (spec.procedure !== undefined && (req.kind !== 'rpc' || !procedureMatches(spec.procedure, req.procedure))) return false;
    if (spec.match !== undefined && !spec.match(req)) return false;
    return true;
  }

  /** Asks matching responders, newest first, until one answers; undefined when none does. */
  async respond(req: TdsRequest): Promise<ResponseSpec | undefined> {
    for (const entry of [...this.entries].reverse()) {
      const { spec } = entry;
      if (entry.removed) continue;
      if (spec.times !== undefined && entry.calls >= spec.times) continue;
      if (!this.matches(spec, req)) continue;
      const answer = typeof spec.respond === 'function' ? await spec.respond(req) : spec.respond;
      if (answer === undefined) continue;
      entry.calls++;
      return answer;
    }
    return undefined;
  }
}
