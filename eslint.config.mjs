// The linter of the test command (`npm run lint`): ESLint's and typescript-eslint's recommended rules everywhere, and
// in production code (src/, specs aside) the rules that need types, above all no floating promise: a promise nobody
// awaits, returns or marks with `void` is a failure nobody hears of.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test-output/**', '.services/**', '.linker-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks what is left out on purpose (a destructured field dropped, an argument a signature requires).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A variable a closure reads before its one assignment (a server's handler, set up before the server exists).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['scripts/jest/**/*.js'], languageOptions: { globals: globals.jest } },
  {
    files: ['{apps,libs}/*/src/**/*.ts', 'ui/src/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
);
