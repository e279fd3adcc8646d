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
  open(bytes: Uint8Array): Graph;
}
