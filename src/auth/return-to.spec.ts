import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/bases/appSandboxCRM0001', '/bases/appSandboxCRM0001'],
    ['/bases?x=1#top', '/bases?x=1#top'],
    ['/a/../b', '/b'],
    ['/./bases', '/bases'],
    ['/a/%2e%2e/b', '/b'],
  ])('keeps the same-site path %s', (raw, expected) => {
    expect(safeReturnTo(raw)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'bases',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'data:text/html,x',
    '/%2F%2Fevil.example',
    '/%2f%2fevil.example',
    '/%5Cevil.example',
    '/%0d%0aLocation:%20x',
    '/tab\there',
    '/space here',
    '/ünicode',
    '/%E0%A4%A',
    `/${'a'.repeat(2048)}`,
    // Dot segments that URL normalisation resolves into a network-path reference.
    '/.//evil.example/phish',
    '/%2e//x',
    '/%2E//x',
    '/.%2E//x',
    '/a/%2e%2e//x',
    '/x/../..//x',
    '/a/..//x',
    '/a/%2e%2e/%2f/x',
  ])('replaces %j with /', (raw) => {
    expect(safeReturnTo(raw)).toBe('/');
  });
});
