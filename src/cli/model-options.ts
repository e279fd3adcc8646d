import type { ModelFileOptions } from '../core/node/model-file.js';
import { stringOption, type ParsedArgs } from './args.js';

/** `--input-layout`: the layout an ONNX model's image-like inputs take, the same in every command that opens a model. */
export const inputLayoutOptionSpec = {
  type: 'string',
  value: 'nchw|nhwc',
  choices: ['nchw', 'nhwc'],
  description:
    "ONNX models: layout of inputs of rank 3 and more; nchw (default) keeps the model's own channels-first inputs, " +
    'nhwc makes them channels-last as a TFLite model of the same network takes them (no transpose at the input). TFLite models are channels-last already',
} as const;

/** The importer options `--input-layout` asks for (none when it is absent). */
export function inputLayoutOption(args: ParsedArgs): Pick<ModelFileOptions, 'inputLayout'> {
  const layout = stringOption(args, 'input-layout') as 'nchw' | 'nhwc' | undefined;
  return layout === undefined ? {} : { inputLayout: layout };
}
