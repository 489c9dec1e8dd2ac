import { authorOf, ifMatchVersions, matchesVersion, preferredFormat } from './negotiation';

describe('preferredFormat', () => {
  it.each<[string | undefined, 'yaml' | 'json']>([
    [undefined, 'yaml'],
    ['', 'yaml'],
    ['*/*', 'yaml'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/yaml', 'yaml'],
    ['text/yaml', 'yaml'],
    ['application/x-yaml', 'yaml'],
    ['text/html', 'yaml'],
    ['application/json, */*;q=0.1', 'json'],
    ['application/yaml;q=0.5, application/json', 'json'],
    ['application/json;q=0.5, text/yaml', 'yaml'],
    ['application/json;q=0.5, application/yaml;q=0.5', 'yaml'],
    ['text/*, application/json;q=0.9', 'yaml'],
    ['APPLICATION/JSON', 'json'],
  ])('Accept %j → %s', (accept, format) => {
    expect(preferredFormat(accept)).toBe(format);
  });
});

describe('matchesVersion', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abcd"', false],
    ['abc', false],
  ])('If-None-Match %j matches version abc: %s', (header, matches) => {
    expect(matchesVersion(header, 'abc')).toBe(matches);
  });
});

describe('ifMatchVersions and authorOf', () => {
  it('reads the strong tags of If-Match; * and weak tags name no version', () => {
    expect(ifMatchVersions(undefined)).toBeUndefined();
    expect(ifMatchVersions('  ')).toBeUndefined();
    expect(ifMatchVersions('"abc"')).toEqual(['abc']);
    expect(ifMatchVersions('"abc", W/"def" ,"ghi"')).toEqual(['abc', 'ghi']);
    expect(ifMatchVersions('*')).toEqual([]);
  });

  it('takes the author from the header, printable and short, default admin', () => {
    expect(authorOf(undefined)).toBe('admin');
    expect(authorOf('  ')).toBe('admin');
    expect(authorOf(' alice ')).toBe('alice');
    expect(authorOf('eve\n{"level":50}')).toBe('eve{"level":50}');
    expect(authorOf('x'.repeat(500))).toHaveLength(100);
  });
});
