// @ts-check
/**
 * The linter: ESLint with typescript-eslint's recommended rules for the
 * TypeScript, eslint-plugin-astro's for the .astro pages, and Prettier's
 * config last, so that the two never argue about formatting (Prettier owns
 * it; `npm run format` applies it). `npm run lint` runs both checks, and
 * `npm test` runs `npm run lint`.
 */
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-base/',
      'dist-plain/',
      '.cache/',
      '.astro/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'tests/unit/views/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
    rules: {
      // Unused names are mistakes, except those a destructuring leaves out on purpose (`_name`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Type-only imports say so, which keeps the bundles and the import graph honest.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      // `== null` is the one loose comparison allowed: it means null or undefined.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  prettier,
);
