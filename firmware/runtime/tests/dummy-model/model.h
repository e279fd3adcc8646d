/*
 * A hand-written stand-in for the generator's model.h (src/core/common/codegen/generate.ts),
 * with the same API plus the extras td_model_adapter.c can use (tensor ids, the tensor table,
 * the state flag). Three ops on 16 int8 values, chosen so the profiler's tests can predict
 * every byte:
 *
 *   op 0  t1 = saturate(t0 + 1)
 *   op 1  t2 = t1 * 2 (wrapping), after a fixed busy loop; fails with TD_ERROR_ARGUMENT when
 *         t1[1] == 127 (input byte 1 == 126): a kernel failure for RUN_FAILED
 *   op 2  t3 += t2 (state, wrapping); t4 = t3
 *
 * Arena: t0 (input) and t4 (output) share bytes [0, 16): the output overwrites the input, so
 * inputs must be kept by the runtime between runs. t1 [16, 32), t2 [32, 48), state t3 [48, 64).
 */
#ifndef TD_MODEL_H
#define TD_MODEL_H

#include <stdint.h>

#include "td_kernels.h"

#define TD_MODEL_NAME "dummy"
#define TD_MODEL_HASH "fnv1a32:0badf00d"
#define TD_MODEL_ARENA_BYTES 64
#define TD_MODEL_OP_COUNT 3
#define TD_MODEL_OP_TYPES {"ADD", "MUL", "ACCUMULATE"}
#define TD_MODEL_INPUT_COUNT 1
#define TD_MODEL_OUTPUT_COUNT 1
#define TD_MODEL_INPUT0_BYTES 16
#define TD_MODEL_INPUT0_DTYPE "int8"
#define TD_MODEL_INPUT0_SHAPE {1, 16}
#define TD_MODEL_INPUT0_TENSOR 0
#define TD_MODEL_OUTPUT0_BYTES 16
#define TD_MODEL_OUTPUT0_DTYPE "int8"
#define TD_MODEL_OUTPUT0_SHAPE {1, 16}
#define TD_MODEL_OUTPUT0_TENSOR 4
#define TD_MODEL_HAS_STATE 1

typedef struct {
  uint16_t tensor_id;
  uint8_t dtype;
  uint32_t bytes;
  const void *address;
} td_model_tensor_entry;
#define TD_MODEL_TENSOR_TABLE_COUNT 5
const td_model_tensor_entry *td_model_tensor_table(void);

void *td_model_input(int32_t index);
int32_t td_model_input_bytes(int32_t index);
const void *td_model_output(int32_t index);
int32_t td_model_output_bytes(int32_t index);
td_status td_model_run(void);
int32_t td_model_failed_op(void);
void td_model_reset_state(void);

#endif /* TD_MODEL_H */
