import type { Graph } from '../ir/types.js';

/**
 * A model format plug-in (Netron's ModelFactory shape): `match` is cheap, looks at a few
 * bytes and consumes nothing; `open` reads the whole model or throws ImportError naming the
 * offset and the field at fault.
 */
export interface ModelImporter {
  /** Short format name used in reports and `inspect --json` ("tflite"). */
  readonly format: string;
  /** File name extensions this format usually has, for file dialogs. */
  readonly extensions: readonly string[];
  match(bytes: Uint8Array): boolean;
  open(bytes: Uint8Array, options?: ImportOptions): Graph;
}

/** Limits an importer enforces on what a model file may ask the host to hold. */
export interface ImportOptions {
  /**
   * Largest tensor, in bytes of its declared shape and dtype, a model may have. Default
   * `DEFAULT_MAX_TENSOR_BYTES`. A few hundred bytes of file can declare a tensor of gigabytes
   * that the interpreter, analysis or code generator would then try to allocate.
   */
  maxTensorBytes?: number;
}

/** 256 MiB: no microcontroller could ever hold such a tensor. */
export const DEFAULT_MAX_TENSOR_BYTES = 256 * 2 ** 20;
