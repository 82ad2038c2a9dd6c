// `npm run lint`: typescript-eslint's recommended rules, one line length, and the import boundaries
// between the service's features, its storage adapters and the sandbox package.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// What the node runtime defines globally (process, console, fetch, URL, timers...), for the bench's
// plain .mjs scripts; read from this process rather than from a list package.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

/** Import paths `no-restricted-imports` refuses, by boundary. */
const FORBIDDEN = {
  // Features get storage through the interfaces StorageModule provides, never an adapter itself.
  storageAdapters: {
    regex: '(^|/)storage/(sql|redis|memory)(/|$)',
    message: 'Storage adapters are wired in src/storage/storage.module.ts; features use the store interfaces.',
  },
  // The local Airtable emulator is a development tool: only the demo entry starts it.
  sandbox: {
    regex: '^airtable-sandbox(/|$)|(^|/)packages(/|$)',
    message: 'Only src/demo.ts (and tests) may use the Airtable sandbox package.',
  },
  // The sandbox package stands alone: nothing of the service, whose code is under the root's src/.
  service: {
    regex: '^src(/|$)',
    message: 'The sandbox package imports nothing of the service.',
  },
  // ...and its runtime code needs nothing installed: node's built-ins and its own files only.
  thirdParty: {
    regex: '^(?!node:|\\.)',
    message: 'The sandbox package depends on nothing at run time: use node: built-ins or its own files.',
  },
};
/** A dynamic import or a require of the sandbox package. */
const SANDBOX_LOADS = ['ImportExpression[source.value=/^airtable-sandbox/]', "CallExpression[callee.name='require'][arguments.0.value=/^airtable-sandbox/]"].map(
  (selector) => ({ selector, message: FORBIDDEN.sandbox.message }),
);
const restrict = (...names) => ['error', { patterns: names.map((name) => FORBIDDEN[name]) }];

/**
 * A relative path that leaves the sandbox package, from a file `depth` folders below the package's root
 * (a pattern cannot know where a file is, so one block per depth).
 */
const outOfSandboxPackage = (depth) => ({
  regex: `^(\\.\\./){${depth + 1}}`,
  message: 'The sandbox package imports nothing of the service: no relative path out of packages/airtable-sandbox.',
});
const SANDBOX = 'packages/airtable-sandbox';
const SANDBOX_TESTS = [`${SANDBOX}/src/**/*.spec.ts`, `${SANDBOX}/test/**/*.ts`];
const sandboxBoundaries = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((depth) => {
  const levels = '*/'.repeat(depth - 1);
  return [
    {
      files: [`${SANDBOX}/src/${levels}*.ts`],
      ignores: SANDBOX_TESTS,
      rules: { 'no-restricted-imports': ['error', { patterns: [FORBIDDEN.service, FORBIDDEN.thirdParty, outOfSandboxPackage(depth)] }] },
    },
    {
      files: [`${SANDBOX}/test/${levels}*.ts`, `${SANDBOX}/src/${levels}*.spec.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: [FORBIDDEN.service, outOfSandboxPackage(depth)] }] },
    },
  ];
});

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', 'coverage/', 'test-output/'] },
  {
    files: ['**/*.ts', '**/*.mjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { '@stylistic': stylistic, 'import-x': importX },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    settings: {
      // import-x reads the imported files too (no-cycle): TypeScript sources, found as the compiler does.
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json', '.node'] })],
    },
    rules: {
      // 150 is what the code already fits (about 99% of all lines). Lines that hold a string, a template
      // or a regex are left alone: messages, SQL and import paths read worse split.
      '@stylistic/max-len': ['error', {
        code: 150,
        ignoreUrls: true,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreRegExpLiterals: true,
      }],
      // As the compiler's noUnusedParameters: a leading underscore marks a name unused on purpose, and
      // `{ dropped, ...rest }` is how a field is left out.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      'import-x/first': 'error',
      'import-x/no-duplicates': 'error',
      // Type-only imports do not count (they are erased); the whole run stays around ten seconds.
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // Tests read response bodies as loosely typed as supertest's own `res.body`.
    files: ['test/**/*.ts', '**/*.spec.ts', 'packages/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Kysely<any> is Kysely's own type for code that works on any schema (migrations, dialect helpers).
    files: ['src/storage/sql/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Boundaries. Tests (test/**, *.spec.ts) are free to use adapters and the sandbox.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/demo.ts'],
    rules: {
      'no-restricted-imports': restrict('storageAdapters', 'sandbox'),
      // no-restricted-imports sees static imports only; a dynamic import or a require would load it all the same.
      'no-restricted-syntax': ['error', ...SANDBOX_LOADS],
    },
  },
  {
    files: ['src/demo.ts'],
    rules: { 'no-restricted-imports': restrict('storageAdapters') },
  },
  {
    // The storage module wires the adapters, and the adapters use each other (the migrate entry too).
    files: ['src/storage/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': restrict('sandbox') },
  },
  {
    // `npm run cli` works on the database directly, without the app: it opens the configured
    // database, migrates it and uses the SQL API key store. An entry point, not a feature.
    files: ['src/cli.ts'],
    rules: { 'no-restricted-imports': restrict('sandbox') },
  },
  ...sandboxBoundaries,
);
