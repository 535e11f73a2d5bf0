import { describe, expect, it } from 'vitest';
import { checkJsonShape } from '../../../main/drop/json-structure';
import { parseManifest } from '../../../main/drop/manifest';
import { resolveLimits } from '../../../main/drop/limits';
import { AppError } from '../../../common/errors';
import { codeOf } from '../../support/app-error-code';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const limits = { maxDepth: 8, maxArrayLength: 3 };

describe('checkJsonShape', () => {
  it('accepts ordinary JSON, including keys that repeat in different objects and escaped quotes', () => {
    expect(checkJsonShape('{"a":{"x":1},"b":{"x":"q\\"}"},"c":[1,2,3],"d":"[[[["}', limits)).toBeNull();
  });

  it('finds a duplicate key and names where it is, comparing decoded keys', () => {
    expect(checkJsonShape('{"release":{"v":1},"release":{"v":2}}', limits)).toEqual({ kind: 'duplicate-key', path: '(root)', key: 'release' });
    expect(checkJsonShape('{"steps":[{"id":"a"},{"id":"b","i\\u0064":"c"}]}', limits)).toEqual({ kind: 'duplicate-key', path: 'steps[1]', key: 'id' });
  });

  it('counts array elements before anything is parsed, and measures depth', () => {
    expect(checkJsonShape('{"variables":[{},{},{},{}]}', limits)).toEqual({ kind: 'too-many', path: 'variables', limit: 3 });
    expect(checkJsonShape('{"files":["a","b",3,null]}', limits)).toEqual({ kind: 'too-many', path: 'files', limit: 3 });
    expect(checkJsonShape('[[[[[[[[[[1]]]]]]]]]]', limits)).toMatchObject({ kind: 'too-deep' });
  });
});

describe('parseManifest shape checks', () => {
  it('refuses duplicate keys with DROP_MANIFEST_DUPLICATE_KEY', () => {
    const error = thrown(() => parseManifest(Buffer.from('{"formatVersion":"1","release":{"version":"1"},"release":{"version":"2"}}')));
    expect(error.code).toBe('DROP_MANIFEST_DUPLICATE_KEY');
    expect(error.message).toContain('"release" twice');
  });

  it('refuses an oversized drop.json or too many variables with DROP_MANIFEST_TOO_LARGE', () => {
    const small = { ...resolveLimits(), maxManifestSize: 100, maxManifestItems: 5 };
    expect(codeOf(() => parseManifest(Buffer.alloc(101, 0x20), 'drop.json', small))).toBe('DROP_MANIFEST_TOO_LARGE');
    const many = JSON.stringify({ variables: Array.from({ length: 6 }, () => ({})) });
    expect(codeOf(() => parseManifest(Buffer.from(many), 'drop.json', { ...small, maxManifestSize: 10_000 }))).toBe('DROP_MANIFEST_TOO_LARGE');
  });
});
