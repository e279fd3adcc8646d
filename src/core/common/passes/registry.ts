import type { PassDefinition, PassOptionSpec, PassOptions, PassResources } from './pass.js';

const passes = new Map<string, PassDefinition>();

/**
 * Registers a pass under its name: one call at the top level of the pass's file, as kernels
 * call `registerKernel`. `builtin-passes.ts` imports every pass file so they are all known.
 */
export function registerPass<O extends PassOptions>(definition: PassDefinition<O>): void {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(definition.name)) throw new Error(`pass name "${definition.name}" is not kebab-case`);
  if (passes.has(definition.name)) throw new Error(`pass ${definition.name} registered twice`);
  passes.set(definition.name, definition as unknown as PassDefinition);
}

export function findPass(name: string): PassDefinition | undefined {
  return passes.get(name);
}

/** A pass as `tinydeploy optimize --list` shows it. */
export interface PassInfo {
  name: string;
  description: string;
  requires: string;
  resources: (keyof PassResources)[];
  options: ({ name: string } & PassOptionSpec)[];
}

/**
 * Every registered pass by name, with its description, requirements and options. Import it
 * from `passes/index.ts`, which loads the built-in passes, rather than from this module.
 */
export function listPasses(): PassInfo[] {
  return [...passes.values()]
    .map((pass) => ({
      name: pass.name,
      description: pass.description,
      requires: pass.requires,
      resources: [...(pass.resources ?? [])],
      options: Object.entries(pass.options ?? {}).map(([name, spec]) => ({ name, ...(spec as PassOptionSpec) })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
