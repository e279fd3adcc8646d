import { cast, type CastType } from '../../ops/cast.js';
import { input, output, registerLowerer } from '../lowering.js';

const castTypeNames: Record<CastType, string> = {
  float32: 'TD_CAST_FLOAT32',
  int8: 'TD_CAST_INT8',
  uint8: 'TD_CAST_UINT8',
  int16: 'TD_CAST_INT16',
  int32: 'TD_CAST_INT32',
  uint32: 'TD_CAST_UINT32',
  bool: 'TD_CAST_BOOL',
};

/** CAST → td_cast, from the plan of ops/cast.ts. */
registerLowerer(cast, ({ count, from, to }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  return {
    kernels: ['td_cast'],
    scratchBytes: 0,
    emit: (e) => `td_cast(${castTypeNames[from]}, ${castTypeNames[to]}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
