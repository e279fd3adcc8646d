/**
 * Search spaces of the architecture search, declared as data: a family (which graph builder makes
 * a candidate), integer parameters with inclusive ranges (optionally a step) and categorical
 * parameters with their choices. A candidate is one value per parameter.
 *
 * The optimizers see a candidate as a point of the unit cube, one coordinate per parameter:
 * integers scaled to [0, 1] over their range, a categorical as the index of its choice scaled the
 * same way (so random and Sobol sampling are uniform over choices); the Gaussian process reads the
 * categorical coordinates back as choices (Hamming distance), never as numbers.
 */

import { UsageError } from '../errors.js';

export interface IntegerParameter {
  name: string;
  type: 'integer';
  min: number;
  max: number;
  /** Values are min, min + step, … ≤ max (default 1). */
  step?: number;
  description?: string;
}

export interface CategoricalParameter {
  name: string;
  type: 'categorical';
  choices: (string | number)[];
  description?: string;
}

export type SearchParameter = IntegerParameter | CategoricalParameter;

export type SearchFamily = 'lstm' | 'gru' | 'ds-cnn' | 'mlp';
export const searchFamilies: readonly SearchFamily[] = ['lstm', 'gru', 'ds-cnn', 'mlp'];

export interface SearchSpace {
  name: string;
  family: SearchFamily;
  description?: string;
  parameters: SearchParameter[];
  /** Fixed settings of the family (e.g. the number of input features of a time series). */
  fixed?: Record<string, string | number>;
}

export type Candidate = Record<string, string | number>;

function integerValues(parameter: IntegerParameter): number {
  return Math.floor((parameter.max - parameter.min) / (parameter.step ?? 1)) + 1;
}

/** Number of values a parameter can take. */
export function parameterCardinality(parameter: SearchParameter): number {
  return parameter.type === 'integer' ? integerValues(parameter) : parameter.choices.length;
}

/** Checks a space read from a file: names, families, ranges, choices. Throws a UsageError naming the field. */
export function validateSpace(space: unknown, source = 'search space'): SearchSpace {
  const fail = (message: string): never => {
    throw new UsageError(`${source}: ${message}`);
  };
  if (!space || typeof space !== 'object') fail('is not an object');
  const value = space as Partial<SearchSpace>;
  if (typeof value.name !== 'string' || !value.name) fail('"name" must be a non-empty string');
  if (!searchFamilies.includes(value.family as SearchFamily)) fail(`"family" ${JSON.stringify(value.family)} is not one of ${searchFamilies.join(', ')}`);
  if (!Array.isArray(value.parameters) || value.parameters.length === 0) fail('"parameters" must be a non-empty list');
  const names = new Set<string>();
  for (const [index, parameter] of value.parameters!.entries()) {
    const where = `parameter ${index} (${JSON.stringify((parameter as SearchParameter)?.name)})`;
    if (!parameter || typeof parameter.name !== 'string' || !parameter.name) fail(`parameter ${index} has no name`);
    if (names.has(parameter.name)) fail(`${where} is declared twice`);
    names.add(parameter.name);
    if (parameter.type === 'integer') {
      const { min, max, step = 1 } = parameter;
      if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) fail(`${where}: min ${min} and max ${max} must be integers with min ≤ max`);
      if (!Number.isInteger(step) || step < 1) fail(`${where}: step ${step} must be a positive integer`);
    } else if (parameter.type === 'categorical') {
      if (!Array.isArray(parameter.choices) || parameter.choices.length === 0) fail(`${where}: "choices" must be a non-empty list`);
      if (new Set(parameter.choices).size !== parameter.choices.length) fail(`${where}: choices repeat`);
    } else {
      fail(`${where}: type ${JSON.stringify((parameter as { type?: unknown }).type)} is not integer or categorical`);
    }
  }
  return value as SearchSpace;
}

/** The candidate at a point of the unit cube (one coordinate per parameter, each in [0, 1]). */
export function decodePoint(space: SearchSpace, point: readonly number[]): Candidate {
  const candidate: Candidate = {};
  space.parameters.forEach((parameter, i) => {
    const count = parameterCardinality(parameter);
    const index = Math.min(count - 1, Math.max(0, Math.floor(point[i] * count)));
    candidate[parameter.name] = parameter.type === 'integer' ? parameter.min + index * (parameter.step ?? 1) : parameter.choices[index];
  });
  return candidate;
}

/** The index of each parameter's value (integers: steps above min; categoricals: the choice). */
export function candidateIndices(space: SearchSpace, candidate: Candidate): number[] {
  return space.parameters.map((parameter) => {
    const value = candidate[parameter.name];
    const index = parameter.type === 'integer' ? (Number(value) - parameter.min) / (parameter.step ?? 1) : parameter.choices.indexOf(value);
    if (!Number.isInteger(index) || index < 0 || index >= parameterCardinality(parameter)) {
      throw new UsageError(`parameter ${parameter.name}: ${JSON.stringify(value)} is not a value of the space ${space.name}`, { parameter: parameter.name });
    }
    return index;
  });
}

/** The candidate as the Gaussian process sees it: integers scaled to [0, 1], categoricals as choice indices. */
export function encodeCandidate(space: SearchSpace, candidate: Candidate): number[] {
  const indices = candidateIndices(space, candidate);
  return space.parameters.map((parameter, i) => {
    if (parameter.type === 'categorical') return indices[i];
    const count = parameterCardinality(parameter);
    return count > 1 ? indices[i] / (count - 1) : 0;
  });
}

/** Which coordinates of `encodeCandidate` are categorical. */
export function categoricalMask(space: SearchSpace): boolean[] {
  return space.parameters.map((parameter) => parameter.type === 'categorical');
}

/** A stable key of a candidate (its values in parameter order), to find repeats. */
export function candidateKey(space: SearchSpace, candidate: Candidate): string {
  return JSON.stringify(space.parameters.map((parameter) => candidate[parameter.name]));
}

/** Number of distinct candidates (Infinity past 2^53). */
export function spaceSize(space: SearchSpace): number {
  return space.parameters.reduce((product, parameter) => product * parameterCardinality(parameter), 1);
}

/** The precisions a candidate can be deployed in (`withPrecisions`). */
export const candidatePrecisions = ['int8-ptq', 'int8-qat', 'float32'] as const;
export type CandidatePrecision = (typeof candidatePrecisions)[number];

/**
 * The space with the precision as one more categorical parameter (`precision`): float32 (the
 * trained model as it is), int8-ptq (post-training quantization) or int8-qat (quantization-aware
 * fine-tuning after the float training). A candidate without it is int8 by post-training quantization.
 */
export function withPrecisions(space: SearchSpace, precisions: readonly string[]): SearchSpace {
  for (const precision of precisions) {
    if (!(candidatePrecisions as readonly string[]).includes(precision)) throw new UsageError(`precision ${JSON.stringify(precision)} is not one of ${candidatePrecisions.join(', ')}`, { precision });
  }
  if (space.parameters.some((parameter) => parameter.name === 'precision')) throw new UsageError(`search space ${space.name} already has a parameter named precision`);
  return { ...space, name: `${space.name}+precision`, parameters: [...space.parameters, { name: 'precision', type: 'categorical', choices: [...precisions], description: 'how the candidate computes on the board' }] };
}
