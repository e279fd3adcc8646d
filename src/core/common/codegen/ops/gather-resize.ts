import { gather, resizeBilinear, resizeNearestNeighbor } from '../../ops/gather-resize.js';
import { fail, input, output, registerLowerer, tensorName, type OpEmitter } from '../lowering.js';

/**
 * GATHER → td_gather (int32 indices), RESIZE_NEAREST_NEIGHBOR → td_resize_nearest (any element
 * size), RESIZE_BILINEAR → td_resize_bilinear_f32 / _s8 / _s16, from the plans of
 * ops/gather-resize.ts (the row and column maps become constant arrays).
 */
registerLowerer(gather, ({ batch, outer, axisSize, coords, inner, elementBytes }, context) => {
  const params = input(context, 0, 'params');
  const indices = input(context, 1, 'indices');
  const y = output(context);
  if (indices.dtype !== 'int32') fail(context, `indices ${tensorName(indices)} are ${indices.dtype}: the C kernel takes int32 indices`);
  const initializer = `{${elementBytes}, ${batch}, ${outer}, ${axisSize}, ${coords}, ${inner}}`;
  return {
    kernels: ['td_gather'],
    scratchBytes: 0,
    emit: (e) => `td_gather(${e.struct('params', 'td_gather_params', initializer)}, ${e.pointer(params, 'read')}, ${e.pointer(indices, 'read')}, ${e.pointer(y, 'write')})`,
  };
});

interface Maps {
  rowLower: number[];
  rowUpper?: number[];
  columnLower: number[];
  columnUpper?: number[];
  rowPosition?: { values: number[]; float: boolean };
  columnPosition?: { values: number[]; float: boolean };
}

function resizeStruct(e: OpEmitter, geometry: { elementBytes: number; batch: number; inputHeight: number; inputWidth: number; channels: number; outputHeight: number; outputWidth: number }, maps: Maps): string {
  const array = (suffix: string, values: number[] | undefined, dtype: 'int32' | 'float32' = 'int32') => (values ? e.array(suffix, dtype, values) : 'NULL');
  const position = (suffix: string, entry: Maps['rowPosition'], float: boolean) => (entry && entry.float === float ? array(suffix, entry.values, float ? 'float32' : 'int32') : 'NULL');
  const { elementBytes, batch, inputHeight, inputWidth, channels, outputHeight, outputWidth } = geometry;
  return e.struct(
    'params',
    'td_resize_params',
    `{${elementBytes}, ${batch}, ${inputHeight}, ${inputWidth}, ${channels}, ${outputHeight}, ${outputWidth}, ` +
      `${array('row_lower', maps.rowLower)}, ${array('row_upper', maps.rowUpper)}, ${array('column_lower', maps.columnLower)}, ${array('column_upper', maps.columnUpper)}, ` +
      `${position('row_position', maps.rowPosition, true)}, ${position('column_position', maps.columnPosition, true)}, ` +
      `${position('row_position_q10', maps.rowPosition, false)}, ${position('column_position_q10', maps.columnPosition, false)}}`,
  );
}

registerLowerer(resizeNearestNeighbor, (plan, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  return {
    kernels: ['td_resize_nearest'],
    scratchBytes: 0,
    emit: (e) => `td_resize_nearest(${resizeStruct(e, plan, { rowLower: plan.rows, columnLower: plan.columns })}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});

registerLowerer(resizeBilinear, (plan, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const kernel = plan.flavour === 'float32' ? 'td_resize_bilinear_f32' : x.dtype === 'int8' ? 'td_resize_bilinear_s8' : 'td_resize_bilinear_s16';
  const float = plan.flavour === 'float32';
  const maps: Maps = {
    rowLower: plan.rows.lower,
    rowUpper: plan.rows.upper,
    columnLower: plan.columns.lower,
    columnUpper: plan.columns.upper,
    rowPosition: { values: plan.rows.position, float },
    columnPosition: { values: plan.columns.position, float },
  };
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${resizeStruct(e, plan, maps)}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});
