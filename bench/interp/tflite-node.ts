/**
 * TFLite's own runtime in Node, for comparison: `@tensorflow/tfjs-tflite` is the TFLite C++
 * interpreter (with its default XNNPACK delegate) compiled to WebAssembly for browsers. It runs
 * in Node 20 with four shims, all set up here and nowhere else:
 *
 * - `self` (= globalThis): without `window` the package thinks it is in a Web Worker and loads
 *   its Emscripten script with `importScripts`, reading `self.location` and
 *   `self.tflite_web_api_ModuleFactory`;
 * - `importScripts(url)`: evaluates the script file from node_modules in this context;
 * - single thread: Node has SharedArrayBuffer, so the package picks the `_threaded` build, whose
 *   pthreads need Web Workers; the shim loads the same build without threads instead;
 * - `wasmBinary`: the Emscripten loader would `fetch` the .wasm by URL, which Node cannot do for
 *   files, so the module factory is wrapped to hand it the bytes read from disk.
 *
 * `numThreads: 1` is passed too (the package otherwise reads `navigator`, absent in Node 20).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';

/** The typed arrays tfjs-tflite exposes tensor buffers as. */
export type TfliteTensorData = Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface TfliteTensorInfo {
  name: string;
  dataType: string;
  /** "1,49,10,1". */
  shape: string;
  /** A view of the tensor inside the WebAssembly heap (write inputs here, read outputs). */
  data(): TfliteTensorData;
}

/** tfjs-tflite's TFLiteWebModelRunner: one TFLite interpreter instance. */
export interface TfliteRunner {
  getInputs(): TfliteTensorInfo[];
  getOutputs(): TfliteTensorInfo[];
  infer(): boolean;
  /** Per-node timings of the last inference when created with `profile`; node types tell what XNNPACK took over. */
  getProfilingResults(): { nodeType: string; nodeName: string; nodeExecMs: number }[];
  cleanUp(): void;
}

interface TfliteModule {
  setWasmPath(path: string): void;
  loadTFLiteModel(model: ArrayBuffer, options: { numThreads: number; enableProfiling?: boolean }): Promise<{ modelRunner: TfliteRunner }>;
}

type ModuleFactory = (module: Record<string, unknown>) => Promise<unknown>;

const require = createRequire(import.meta.url);
/** Lines the WebAssembly module printed (e.g. "Created TensorFlow Lite XNNPACK delegate for CPU."). */
export const tfliteLog: string[] = [];
/** Which Emscripten build was loaded. */
export let tfliteWasmFile = '';
let loaded: TfliteModule | undefined;

function installShims(): void {
  const global = globalThis as Record<string, unknown>;
  global.self ??= globalThis;
  global.location ??= { origin: '', href: '' };
  const factories = new Map<string, ModuleFactory>();
  global.importScripts = (url: string) => {
    const path = url.replace(/^file:\/\//, '').replace(/_threaded\.js$/, '.js');
    if (!factories.has(path)) {
      runInThisContext(readFileSync(path, 'utf8'), { filename: path });
      const factory = global.tflite_web_api_ModuleFactory as ModuleFactory;
      const wasmPath = path.replace(/\.js$/, '.wasm');
      const wasmBinary = readFileSync(wasmPath);
      factories.set(path, (module) =>
        factory({
          ...module,
          wasmBinary,
          print: (text: string) => tfliteLog.push(text),
          printErr: (text: string) => tfliteLog.push(text),
        }),
      );
      tfliteWasmFile = wasmPath;
    }
    global.tflite_web_api_ModuleFactory = factories.get(path);
  };
}

/** Loads tfjs-tflite once (shims included) and returns a runner for the model bytes. */
export async function createTfliteRunner(model: Uint8Array, options: { profile?: boolean } = {}): Promise<TfliteRunner> {
  if (!loaded) {
    installShims();
    loaded = require('@tensorflow/tfjs-tflite') as TfliteModule;
    loaded.setWasmPath(join(dirname(require.resolve('@tensorflow/tfjs-tflite/package.json')), 'wasm') + '/');
  }
  const copy = model.slice();
  const tfliteModel = await loaded.loadTFLiteModel(copy.buffer, { numThreads: 1, enableProfiling: options.profile ?? false });
  return tfliteModel.modelRunner;
}

/** The installed tfjs-tflite version. */
export function tfliteVersion(): string {
  return (require('@tensorflow/tfjs-tflite/package.json') as { version: string }).version;
}
