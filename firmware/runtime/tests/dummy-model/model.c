/* The dummy model of model.h, written like the generator's model.c (hooks around each op). */
#include <stddef.h>
#include <string.h>

#include "model.h"

#ifdef TD_MODEL_HOOKS_HEADER
#include TD_MODEL_HOOKS_HEADER
#endif
#ifndef TD_OP_BEGIN
#define TD_OP_BEGIN(index) ((void)0)
#endif
#ifndef TD_OP_END
#define TD_OP_END(index) ((void)0)
#endif

static int8_t td_arena[64] __attribute__((aligned(16)));
static int32_t td_failed_op = -1;

static const td_model_tensor_entry td_tensors[TD_MODEL_TENSOR_TABLE_COUNT] = {
    {0, 9, 16, &td_arena[0]},  {1, 9, 16, &td_arena[16]}, {2, 9, 16, &td_arena[32]},
    {3, 9, 16, &td_arena[48]}, {4, 9, 16, &td_arena[0]},
};

const td_model_tensor_entry *td_model_tensor_table(void) { return td_tensors; }

void *td_model_input(int32_t index) { return index == 0 ? (void *)&td_arena[0] : NULL; }
int32_t td_model_input_bytes(int32_t index) { return index == 0 ? 16 : 0; }
const void *td_model_output(int32_t index) { return index == 0 ? (const void *)&td_arena[0] : NULL; }
int32_t td_model_output_bytes(int32_t index) { return index == 0 ? 16 : 0; }
int32_t td_model_failed_op(void) { return td_failed_op; }
void td_model_reset_state(void) { memset(&td_arena[48], 0, 16); }

static td_status add_one(const int8_t *in, int8_t *out) {
  for (int i = 0; i < 16; i++) out[i] = (int8_t)(in[i] == 127 ? 127 : in[i] + 1);
  return TD_OK;
}

static td_status double_after_work(const int8_t *in, int8_t *out) {
  if (in[1] == 127) return TD_ERROR_ARGUMENT;
  volatile uint32_t work = 0;
  for (uint32_t i = 0; i < 5000u; i++) work += i;
  for (int i = 0; i < 16; i++) out[i] = (int8_t)(uint8_t)((uint8_t)in[i] * 2u);
  return TD_OK;
}

static td_status accumulate(const int8_t *in, int8_t *state, int8_t *out) {
  for (int i = 0; i < 16; i++) {
    state[i] = (int8_t)(uint8_t)((uint8_t)state[i] + (uint8_t)in[i]);
    out[i] = state[i];
  }
  return TD_OK;
}

td_status td_model_run(void) {
  td_status status;
  td_failed_op = -1;
#ifndef TD_MODEL_KEEP_STATE
  td_model_reset_state();
#endif
  TD_OP_BEGIN(0);
  status = add_one(&td_arena[0], &td_arena[16]);
  TD_OP_END(0);
  if (status != TD_OK) {
    td_failed_op = 0;
    return status;
  }
  TD_OP_BEGIN(1);
  status = double_after_work(&td_arena[16], &td_arena[32]);
  TD_OP_END(1);
  if (status != TD_OK) {
    td_failed_op = 1;
    return status;
  }
  TD_OP_BEGIN(2);
  status = accumulate(&td_arena[32], &td_arena[48], &td_arena[0]);
  TD_OP_END(2);
  if (status != TD_OK) {
    td_failed_op = 2;
    return status;
  }
  return TD_OK;
}
