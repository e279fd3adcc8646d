// TinyDeploy's lint: TypeScript rules plus the runtime layers of STYLE.md §1 and DESIGN.md "Layout".
// Code is split by where it may run. `layers/imports` (eslint/layers.js) resolves each relative import
// against the importing file and checks where it lands against the allow-list of the file's layer;
// a file in no layer fails lint. `no-restricted-globals` keeps Node and DOM globals out of the pure core.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import layers from './eslint/layers.js';

/** Node built-ins, with or without the `node:` prefix. */
const node = ['node:*', ...builtinModules];

/**
 * What every test may use besides its layer's allow-list: Node (tests run in vitest), vitest, and the
 * repository's test tooling (fixtures, the model corpus, the bench's reference runners, the kernel vector
 * generator).
 */
const testTooling = { imports: ['test/**', 'bench/**', 'firmware/**'], packages: [...node, 'vitest'] };

/** A test adds `imports` and `packages` to the test tooling. */
function tests({ imports = [], packages = [] } = {}) {
  return { imports: [...testTooling.imports, ...imports], packages: [...testTooling.packages, ...packages] };
}

/** Layers by folder, with what each may import: paths are resolved repository paths, packages are names. */
const runtimeLayers = [
  // Inside the pure core, the op library is the bottom (ops/ knows the IR and nothing else), and the two
  // back ends consume it without knowing each other: the interpreter never imports the code generator,
  // the code generator never imports the interpreter (they share only ops/).
  {
    name: 'core/common/ops',
    files: ['src/core/common/ops/**'],
    imports: ['src/core/common/ops/**', 'src/core/common/ir/**', 'src/core/common/*.{js,ts}'],
    packages: [],
    tests: tests({ imports: ['src/core/common/**'] }),
  },
  {
    name: 'core/common/interp',
    files: ['src/core/common/interp/**'],
    imports: ['src/core/common/interp/**', 'src/core/common/ops/**', 'src/core/common/ir/**', 'src/core/common/*.{js,ts}'],
    packages: [],
    tests: tests({ imports: ['src/core/common/importers/**', 'src/core/common/exporters/**', 'src/core/common/passes/**', 'src/core/node/**'] }),
  },
  {
    name: 'core/common/codegen',
    files: ['src/core/common/codegen/**'],
    imports: ['src/core/common/codegen/**', 'src/core/common/ops/**', 'src/core/common/ir/**', 'src/core/common/*.{js,ts}'],
    packages: [],
    tests: tests({ imports: ['src/core/common/importers/**', 'src/core/common/interp/**', 'src/core/common/passes/**', 'src/core/node/**'] }),
  },
  {
    // Pure TypeScript: runs in Node, the browser, the worker; no IO, no Node, no DOM.
    name: 'core/common',
    files: ['src/core/common/**'],
    imports: ['src/core/common/**'],
    packages: ['flatbuffers', 'protobufjs'],
    // Tests run the pure code against Node-side fakes (fake board, mock transport, model files);
    // the ONNX importer's tests compare with onnxruntime.
    tests: tests({ imports: ['src/core/node/**', 'src/shared/**'], packages: ['onnxruntime-node'] }),
  },
  {
    // Node-only core. It implements the service interfaces of shared/services (types only today).
    name: 'core/node',
    files: ['src/core/node/**'],
    imports: ['src/core/**', 'src/shared/**'],
    packages: [...node, 'better-sqlite3', 'serialport', '@tensorflow/*', 'fflate', 'ml-matrix', 'bullmq'],
    tests: tests({ packages: ['fflate'] }),
  },
  {
    // Service interfaces and the generic proxy: bundled into the renderer, so no Node and no Electron.
    name: 'shared',
    files: ['src/shared/**'],
    imports: ['src/shared/**', 'src/core/common/**'],
    packages: [],
    tests: tests(),
  },
  {
    // Sandboxed UI: reaches the core through the services only (plus pure helpers of core/common).
    name: 'renderer',
    files: ['src/renderer/**'],
    imports: ['src/renderer/**', 'src/shared/**', 'src/core/common/**'],
    packages: ['react', 'react-dom', 'elkjs'],
    tests: tests(),
  },
  {
    name: 'main',
    files: ['src/main/**'],
    imports: ['src/main/**', 'src/core/**', 'src/shared/**'],
    packages: [...node, 'electron'],
    tests: tests(),
  },
  {
    // Sandboxed preload: Electron's IPC and the bridge contract it exposes, nothing else.
    name: 'preload',
    files: ['src/preload/**'],
    imports: ['src/preload/**', 'src/shared/services/bridge.{js,ts}'],
    packages: ['electron'],
    tests: tests(),
  },
  {
    // The job process (an Electron utility process or a Node worker): core and services, no Electron.
    name: 'worker',
    files: ['src/worker/**'],
    imports: ['src/worker/**', 'src/core/**', 'src/shared/**'],
    packages: node,
    tests: tests(),
  },
  {
    // Browser mode: serves the services over a WebSocket from Node.
    name: 'server',
    files: ['src/server/**'],
    imports: ['src/server/**', 'src/core/**', 'src/shared/**'],
    packages: [...node, 'ws'],
    tests: tests(),
  },
  {
    // The command line: core, services and the browser-mode server; never the Electron app or the UI.
    name: 'cli',
    files: ['src/cli/**'],
    imports: ['src/cli/**', 'src/core/**', 'src/shared/**', 'src/server/**'],
    packages: node,
    // The serve command's test talks to the server as a browser would.
    tests: tests({ packages: ['ws'] }),
  },
  {
    // Tooling runs in plain Node (tsx, vitest, node): end-to-end tests, benches, scripts, generators,
    // config files. It may use any package and any Node-side code, but not the renderer (DOM and the
    // Vite bundle), main or preload (they need Electron's runtime): end-to-end tests drive the built app.
    name: 'tooling',
    files: ['*', 'bin/**', 'bench/**', 'eslint/**', 'firmware/**', 'scripts/**', 'test/**'],
    imports: [
      '*',
      'bin/**',
      'bench/**',
      'eslint/**',
      'firmware/**',
      'scripts/**',
      'test/**',
      'src/core/**',
      'src/shared/**',
      'src/worker/**',
      'src/server/**',
      'src/cli/**',
    ],
    packages: ['*', '@*/*'],
  },
];

/** Globals of Node that code bundled for the browser must not touch. */
const nodeGlobals = [
  'Buffer',
  'process',
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
  'clearImmediate',
  'NodeJS',
].map((name) => ({ name, message: `${name} is Node-only: this layer also runs in the browser` }));

/**
 * Globals of the DOM, plus IO and the global object: the pure core takes what it needs as arguments.
 * Timers, TextEncoder/TextDecoder, console, performance and crypto exist in Node and browsers alike.
 */
const domGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'self',
  'alert',
  'HTMLElement',
  'XMLHttpRequest',
  'requestAnimationFrame',
  'fetch',
  'globalThis',
].map((name) => ({ name, message: `core/common is pure: it does not use ${name}; pass what it needs in` }));

const testFiles = ['**/*.test.{ts,tsx}', '**/testing/**'];

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
    plugins: { layers },
    rules: { 'layers/imports': ['error', { layers: runtimeLayers, testFiles }] },
  },
  {
    files: ['src/core/common/**'],
    ignores: testFiles,
    rules: { 'no-restricted-globals': ['error', ...nodeGlobals, ...domGlobals] },
  },
  {
    files: ['src/shared/**', 'src/renderer/**'],
    ignores: testFiles,
    rules: { 'no-restricted-globals': ['error', ...nodeGlobals] },
  },
);
