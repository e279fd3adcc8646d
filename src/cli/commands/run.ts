import { readFile, writeFile } from 'node:fs/promises';
import { InterpreterError, UsageError } from '../../core/common/errors.js';
import type { Graph, Tensor, TensorData } from '../../core/common/ir/types.js';
import { bytesOf, dataFromBytes, formatShape, tensorBytes } from '../../core/common/ir/tensor.js';
import { Interpreter } from '../../core/common/interp/interpreter.js';
import { printableName } from '../../core/common/printable.js';
import { DEFAULT_MAX_TENSOR_BYTES } from '../../core/common/importers/index.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { inputLayoutOption, inputLayoutOptionSpec } from '../model-options.js';
import { integerOption, stringOption, stringOptions } from '../args.js';
import type { Command } from '../command.js';

const describe = (tensor: Tensor) => `${printableName(tensor.name)}: ${tensor.dtype} ${formatShape(tensor.shape)}`;

/**
 * Splits an input file into one value per inference. Reset mode needs exactly one input's
 * bytes; streaming mode accepts a whole number of them (a sequence, state carried over).
 */
export function splitInputFile(path: string, bytes: Uint8Array, tensor: Tensor, streaming: boolean): TensorData[] {
  const size = tensorBytes(tensor);
  const fits = streaming ? bytes.length > 0 && bytes.length % size === 0 : bytes.length === size;
  if (!fits) {
    throw new InterpreterError(
      streaming
        ? `${path}: ${bytes.length} bytes, expected a multiple of ${size} (model input ${describe(tensor)}; one inference per ${size} bytes with --state streaming)`
        : `${path}: ${bytes.length} bytes, expected ${size} (model input ${describe(tensor)})`,
      { path, size: bytes.length, expected: size },
    );
  }
  const values: TensorData[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) values.push(dataFromBytes(tensor.dtype, bytes.subarray(offset, offset + size)));
  return values;
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`${path}: cannot read input file (${reason})`, { path });
  }
}

/**
 * Runs the graph on every input in turn (one per inference) and concatenates the first output's
 * bytes. Each run's output is a fresh array (the interpreter allocates op outputs per run), so one
 * inference returns it as is and a sequence copies each once into the concatenation.
 */
export function runInferences(graph: Graph, inputs: TensorData[][], streaming: boolean): Uint8Array {
  const interpreter = new Interpreter(graph, { state: streaming ? 'streaming' : 'reset' });
  if (inputs.length === 1) return bytesOf(interpreter.run(inputs[0]).outputs[0]);
  const size = tensorBytes(graph.tensors[graph.outputs[0]]);
  const result = new Uint8Array(size * inputs.length);
  inputs.forEach((values, step) => result.set(bytesOf(interpreter.run(values).outputs[0]), step * size));
  return result;
}

export const runCommand: Command = {
  spec: {
    name: 'run',
    summary: 'Run one inference on raw tensor bytes with the host reference interpreter and write the raw bytes of the first output.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      input: {
        type: 'string',
        value: 'in.bin',
        required: true,
        repeatable: true,
        description: 'raw little-endian bytes of a model input, in the input\'s dtype and shape; give one per model input, in order',
      },
      output: { type: 'string', value: 'out.bin', required: true, description: 'where to write the raw bytes of the first output' },
      state: {
        type: 'string',
        value: 'reset|streaming',
        choices: ['reset', 'streaming'],
        description: 'LSTM state: reset before the inference (default), or streaming: each input file may hold a sequence of inputs, run in order with the state carried over; the outputs are concatenated',
      },
      'input-layout': inputLayoutOptionSpec,
      'max-tensor-bytes': {
        type: 'integer',
        value: 'n',
        description: `refuse a model declaring a tensor larger than n bytes (default ${DEFAULT_MAX_TENSOR_BYTES}, 256 MiB: more than a microcontroller could hold)`,
      },
    },
  },
  async run(args, io) {
    const modelPath = args.positionals.model;
    const inputPaths = stringOptions(args, 'input');
    const outputPath = stringOption(args, 'output')!;
    const streaming = stringOption(args, 'state') === 'streaming';
    const graph = await loadModelFile(modelPath, undefined, { maxTensorBytes: integerOption(args, 'max-tensor-bytes'), ...inputLayoutOption(args) });
    if (inputPaths.length !== graph.inputs.length) {
      throw new UsageError(
        `tinydeploy run: ${modelPath} has ${graph.inputs.length} input(s) (${graph.inputs.map((id) => describe(graph.tensors[id])).join('; ')}), ` +
          `got ${inputPaths.length} --input file(s)`,
      );
    }
    const perInput = await Promise.all(
      inputPaths.map(async (path, i) => splitInputFile(path, await readInput(path), graph.tensors[graph.inputs[i]], streaming)),
    );
    const steps = perInput[0].length;
    perInput.forEach((values, i) => {
      if (values.length !== steps) {
        throw new InterpreterError(`${inputPaths[i]} holds ${values.length} inputs but ${inputPaths[0]} holds ${steps}; give each input the same number of steps`);
      }
    });
    const inferences = Array.from({ length: steps }, (_, step) => perInput.map((values) => values[step]));
    const output = runInferences(graph, inferences, streaming);
    await writeFile(outputPath, output).catch((error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? 'no such directory' : error.message;
      throw new UsageError(`${outputPath}: cannot write output file (${reason})`, { path: outputPath });
    });
    const outputTensor = graph.tensors[graph.outputs[0]];
    io.stdout.write(
      `wrote ${output.length} bytes to ${outputPath} (output ${describe(outputTensor)}${steps > 1 ? `, ${steps} inferences` : ''})\n`,
    );
    return 0;
  },
};
