// TinyDeploy's lint: TypeScript rules plus the runtime-layer rule of STYLE.md §1.
// Code is split by where it may run; an import across a forbidden boundary fails lint.
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` patterns that keep one runtime folder away from others. */
function forbid(message, ...groups) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
  };
}

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'worker_threads', 'crypto', 'stream', 'url', 'util', 'zlib', 'events', 'http', 'https', 'tty', 'readline'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'tmp/**', 'test/e2e/screenshots/**', 'node_modules/**', 'src/core/common/importers/tflite/schema/**', 'bench/**/results/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/core/common/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: forbid(
      'core/common is pure TypeScript: no Node built-ins, Electron, DOM-only code or other layers',
      ...nodeBuiltins,
      'electron',
      'better-sqlite3',
      'serialport',
      'react',
      '**/core/node/**',
      '**/main/**',
      '**/renderer/**',
      '**/preload/**',
      '**/worker/**',
      '**/cli/**',
      '**/shared/services/**',
    ),
  },
  {
    // Tests run in Node beside the code they test: they may read files, never reach into the app layers.
    files: ['src/core/**/*.test.ts'],
    rules: forbid('core tests must not import the app layers or Electron', 'electron', 'react', '**/main/**', '**/renderer/**', '**/preload/**', '**/worker/**'),
  },
  {
    files: ['src/core/node/**/*.ts'],
    rules: forbid('core/node must not import the app layers or Electron', 'electron', 'react', '**/main/**', '**/renderer/**', '**/preload/**', '**/worker/**', '**/cli/**'),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: forbid('shared/services holds interfaces and the proxy only', ...nodeBuiltins, 'electron', '**/core/node/**', '**/main/**', '**/renderer/**', '**/preload/**', '**/worker/**', '**/cli/**'),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: forbid('the renderer is sandboxed: it reaches the core through services only', ...nodeBuiltins, 'electron', 'better-sqlite3', 'serialport', '**/core/node/**', '**/main/**', '**/preload/**', '**/worker/**', '**/cli/**'),
  },
  {
    files: ['src/main/**/*.ts'],
    rules: forbid('main never imports renderer, worker or CLI code', '**/renderer/**', '**/worker/**', '**/cli/**'),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: forbid('the preload stays tiny: Electron IPC only', '**/core/**', '**/main/**', '**/renderer/**', '**/worker/**', '**/cli/**', ...nodeBuiltins),
  },
  {
    files: ['src/worker/**/*.ts', 'src/cli/**/*.ts'],
    rules: forbid('worker and CLI use the core, never the UI or Electron main', '**/renderer/**', '**/main/**', '**/preload/**'),
  },
);
