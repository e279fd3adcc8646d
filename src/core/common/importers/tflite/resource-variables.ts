/**
 * TFLite resource variables → variable tensors (see ops/resource-variable.ts for the IR's form).
 *
 * In the file, a variable is a VAR_HANDLE op (container, shared name) whose output is a RESOURCE
 * tensor; READ_VARIABLE(handle) → value and ASSIGN_VARIABLE(handle, value) use it, and a
 * CALL_ONCE op (first in the main subgraph) runs an init subgraph once per interpreter, which
 * assigns each variable its first value. Two handles with the same container and shared name are
 * the same variable, in any subgraph.
 *
 * The resolution, on the main subgraph as read:
 * - every distinct variable gets the tensor of its first VAR_HANDLE in the main subgraph, turned
 *   into a variable tensor with the dtype, shape and quantization of the first value read from it
 *   (else assigned to it, else its initial value); every value read or assigned must have that
 *   dtype and element count;
 * - the init subgraphs of the CALL_ONCE ops are evaluated here: they may only assign constants
 *   (VAR_HANDLE, ASSIGN_VARIABLE of a constant tensor), which become the variables' `data`, the
 *   value a reset puts back (what a fresh TFLite interpreter starts from);
 * - VAR_HANDLE and CALL_ONCE ops are dropped; READ_VARIABLE and ASSIGN_VARIABLE take the
 *   variable tensor as input 0; other handle tensors are removed and the tensors renumbered.
 */
import type { Op, Tensor } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import { printableName } from '../../printable.js';

/** One subgraph as the reader read it: RESOURCE tensors are placeholders listed in `resources`. */
export interface RawSubgraph {
  index: number;
  /** The subgraph's name in the file. */
  name?: string;
  tensors: Tensor[];
  ops: Op[];
  inputs: number[];
  outputs: number[];
  /** Ids of the tensors of type RESOURCE. */
  resources: ReadonlySet<number>;
}

export interface VarHandleAttrs {
  container: string;
  sharedName: string;
}

export interface CallOnceAttrs {
  initSubgraphIndex: number;
}

/** Op types that only exist in the file: the resolution removes them. */
export const resourceOnlyOps: ReadonlySet<string> = new Set(['VAR_HANDLE', 'CALL_ONCE']);

const usesHandle: ReadonlySet<string> = new Set(['READ_VARIABLE', 'ASSIGN_VARIABLE']);

function variableKey(attrs: object): string {
  const { container = '', sharedName = '' } = attrs as Partial<VarHandleAttrs>;
  return `${container}\u0000${sharedName}`;
}

/** Whether a subgraph uses resource variables at all (the resolution is skipped otherwise). */
export function hasResourceVariables(subgraph: RawSubgraph): boolean {
  return subgraph.resources.size > 0 || subgraph.ops.some((op) => resourceOnlyOps.has(op.type) || usesHandle.has(op.type));
}

/**
 * Resolves the main subgraph's resource variables (see the file comment). `readSubgraph` reads
 * another subgraph of the file (an init subgraph); `fail` throws the importer's error.
 */
export function resolveResourceVariables(
  main: RawSubgraph,
  readSubgraph: (index: number) => RawSubgraph,
  fail: (message: string) => never,
): Pick<RawSubgraph, 'tensors' | 'ops' | 'inputs' | 'outputs'> {
  const label = (subgraph: RawSubgraph, opIndex: number) => `subgraph ${subgraph.index} operator ${opIndex} (${subgraph.ops[opIndex].type})`;
  const handlesOf = (subgraph: RawSubgraph) => {
    const handles = new Map<number, string>();
    subgraph.ops.forEach((op, i) => {
      if (op.type !== 'VAR_HANDLE') return;
      const out = op.outputs[0];
      if (op.outputs.length !== 1 || !subgraph.resources.has(out)) fail(`${label(subgraph, i)} must write one tensor of type RESOURCE`);
      handles.set(out, variableKey(op.attrs));
    });
    for (const id of [...subgraph.inputs, ...subgraph.outputs]) {
      if (subgraph.resources.has(id)) fail(`subgraph ${subgraph.index}: resource tensor ${id} is a subgraph input or output, which TinyDeploy does not support`);
    }
    subgraph.ops.forEach((op, i) => {
      op.inputs.forEach((id, slot) => {
        if (id < 0 || !subgraph.resources.has(id)) return;
        if (!usesHandle.has(op.type) || slot !== 0) fail(`${label(subgraph, i)} takes resource tensor ${id} as input ${slot}: only READ_VARIABLE and ASSIGN_VARIABLE use a variable`);
        if (!handles.has(id)) fail(`${label(subgraph, i)} uses resource tensor ${id}, which no VAR_HANDLE writes`);
      });
    });
    return handles;
  };

  // Initial values from the init subgraphs of the CALL_ONCE ops.
  const initial = new Map<string, Tensor>();
  const initSubgraphs = new Set<number>();
  main.ops.forEach((op, i) => {
    if (op.type !== 'CALL_ONCE') return;
    const index = (op.attrs as Partial<CallOnceAttrs>).initSubgraphIndex ?? 0;
    if (index === main.index) fail(`${label(main, i)} calls its own subgraph ${index} as init subgraph`);
    if (initSubgraphs.has(index)) return;
    initSubgraphs.add(index);
    const init = readSubgraph(index);
    const handles = handlesOf(init);
    init.ops.forEach((initOp, j) => {
      if (initOp.type === 'VAR_HANDLE') return;
      if (initOp.type !== 'ASSIGN_VARIABLE') {
        fail(`${label(init, j)}: an init subgraph may only assign constants to variables (VAR_HANDLE, ASSIGN_VARIABLE), TinyDeploy does not run ${initOp.type} there`);
      }
      const value = init.tensors[initOp.inputs[1] ?? -1];
      if (!value?.data) fail(`${label(init, j)} assigns tensor ${initOp.inputs[1]}, which is not a constant`);
      initial.set(handles.get(initOp.inputs[0])!, value);
    });
  });

  const handles = handlesOf(main);
  const canonical = new Map<string, number>();
  for (const [id, key] of handles) if (!canonical.has(key)) canonical.set(key, id);

  // Each variable's layout: the first value read, else assigned, else its initial value.
  const layouts = new Map<string, { tensor: Tensor; what: string }[]>();
  main.ops.forEach((op, i) => {
    if (!usesHandle.has(op.type)) return;
    const key = handles.get(op.inputs[0])!;
    const valueId = op.type === 'READ_VARIABLE' ? op.outputs[0] : op.inputs[1];
    if (valueId === undefined || valueId < 0) fail(`${label(main, i)} has no ${op.type === 'READ_VARIABLE' ? 'output' : 'value input'}`);
    const entry = { tensor: main.tensors[valueId], what: label(main, i) };
    const list = layouts.get(key) ?? [];
    if (op.type === 'READ_VARIABLE') list.unshift(entry);
    else list.push(entry);
    layouts.set(key, list);
  });

  const tensors = main.tensors.map((tensor) => tensor);
  for (const [key, id] of canonical) {
    const uses = layouts.get(key) ?? [];
    const init = initial.get(key);
    const model = uses[0]?.tensor ?? init;
    const name = key.split('\u0000')[1] || main.tensors[id].name;
    if (!model) fail(`variable ${printableName(name)} (tensor ${id}) is never read, assigned or initialised: its type is unknown`);
    for (const { tensor, what } of [...uses, ...(init ? [{ tensor: init, what: `its init subgraph's value` }] : [])]) {
      if (tensor.dtype !== model.dtype || elementCount(tensor.shape) !== elementCount(model.shape)) {
        fail(
          `variable ${printableName(name)} is ${model.dtype} ${formatShape(model.shape)}, but ${what} gives it ${tensor.dtype} ${formatShape(tensor.shape)}`,
        );
      }
    }
    const variable: Tensor = { id, name, shape: [...model.shape], dtype: model.dtype, variable: true };
    if (model.quantization) variable.quantization = model.quantization;
    // An initial value equal to what a reset gives anyway (zero point for int8, else 0) is not kept.
    const fill = model.dtype === 'int8' ? (model.quantization?.zeroPoint[0] ?? 0) : 0;
    if (init?.data && Array.from(init.data as ArrayLike<number | bigint>).some((value) => Number(value) !== fill)) variable.data = init.data;
    tensors[id] = variable;
  }

  // Drop the file-only ops, point every use at the variable's tensor, drop the other handles.
  const ops = main.ops
    .filter((op) => !resourceOnlyOps.has(op.type))
    .map((op) => (usesHandle.has(op.type) ? ({ ...op, inputs: [canonical.get(handles.get(op.inputs[0])!)!, ...op.inputs.slice(1)] } as Op) : op));
  const removed = new Set([...main.resources].filter((id) => ![...canonical.values()].includes(id)));
  if (removed.size === 0) return { tensors, ops, inputs: main.inputs, outputs: main.outputs };
  const newId = new Map<number, number>();
  const kept: Tensor[] = [];
  for (const tensor of tensors) {
    if (removed.has(tensor.id)) continue;
    newId.set(tensor.id, kept.length);
    kept.push({ ...tensor, id: kept.length });
  }
  const map = (id: number) => (id < 0 ? id : newId.get(id)!);
  return {
    tensors: kept,
    ops: ops.map((op) => ({ ...op, inputs: op.inputs.map(map), outputs: op.outputs.map(map), ...(op.intermediates ? { intermediates: op.intermediates.map(map) } : {}) }) as Op),
    inputs: main.inputs.map(map),
    outputs: main.outputs.map(map),
  };
}
