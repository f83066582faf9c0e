// ESLint flat config (issue 17). Bug-finding rules only: prettier owns layout, so no stylistic rules here.
// TypeScript (src, test) is linted with type information from tsconfig.lint.json; the plain-JS scripts,
// benches and the launcher get eslint:recommended.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node's globals for the .mjs files, read from the running Node rather than from a 'globals' package.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

// Unused code is an error; a leading underscore marks a name kept on purpose (a positional parameter, a slot).
const unusedVars = {
  args: 'after-used',
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
  caughtErrors: 'all',
  caughtErrorsIgnorePattern: '^_',
  destructuredArrayIgnorePattern: '^_',
  ignoreRestSiblings: true,
};

const bugRules = {
  // while (true) and for (;;) are the crawler's loops; constant if-conditions are still bugs.
  'no-constant-condition': ['error', { checkLoops: 'none' }],
  'no-fallthrough': 'error',
  // == null (null or undefined) is an idiom of the code; any other loose comparison is a bug waiting.
  eqeqeq: ['error', 'smart'],
  // Off: the sanitizers and key normalizers match control characters on purpose (17 such regexes).
  'no-control-regex': 'off',
};

export default defineConfig(
  {
    ignores: ['dist/', 'coverage/', 'node_modules/', 'test/fixtures/', 'examples/'],
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: nodeGlobals },
    rules: {
      ...bugRules,
      'no-unused-vars': ['error', unusedVars],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // src, test and vitest.config.ts (tsconfig.json includes only src, the build's rootDir).
        project: './tsconfig.lint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      ...bugRules,
      // Promises: an unawaited promise loses its rejection (an unhandled rejection ends the process);
      // an async callback where a void one is expected (an event handler) does the same.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', unusedVars],
      // Off: the code uses any at the edges (SQL rows, parsed JSON, commander's actions) on purpose, and
      // the non-null assertions follow checks the compiler cannot see.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
