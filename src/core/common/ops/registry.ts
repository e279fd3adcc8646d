import type { OpDefinition } from './op.js';

const definitions = new Map<string, OpDefinition>();

/** Registers an op definition under each of its types (one call per op file, at top level). */
export function defineOp<Plan>(definition: OpDefinition<Plan>): OpDefinition<Plan> {
  for (const type of definition.types) {
    if (definitions.has(type)) throw new Error(`op ${type} defined twice`);
    definitions.set(type, definition as OpDefinition);
  }
  return definition;
}

/** The definition of an op type, or undefined for an op TinyDeploy does not know. */
export function findOp(type: string): OpDefinition | undefined {
  return definitions.get(type);
}

/** Every op type with a definition, sorted. */
export function definedOpTypes(): string[] {
  return [...definitions.keys()].sort();
}
