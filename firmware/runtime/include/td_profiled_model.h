/*
 * What the profiler (td_server.c) needs to know about the model it serves: the PROTOCOL.md
 * view of it. firmware/runtime/src/td_model_adapter.c builds this table from the generated
 * model.h / model.c; a test can provide its own.
 *
 * Contract of `run`: executes the model's ops in order, calling TD_OP_BEGIN(i) / TD_OP_END(i)
 * around op i (td_profile_hooks.h), and returns 0 or the failing kernel's status (the op index
 * is then given by `failed_op`). It neither resets state nor reloads inputs: the server does
 * that before each run as the RUN command asks.
 */
#ifndef TD_PROFILED_MODEL_H
#define TD_PROFILED_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TFLite TensorType codes, as PROTOCOL.md's `dtype`. */
enum {
  TD_DTYPE_FLOAT32 = 0,
  TD_DTYPE_FLOAT16 = 1,
  TD_DTYPE_INT32 = 2,
  TD_DTYPE_UINT8 = 3,
  TD_DTYPE_INT64 = 4,
  TD_DTYPE_BOOL = 6,
  TD_DTYPE_INT16 = 7,
  TD_DTYPE_INT8 = 9,
};

typedef struct {
  /* The tensor's index in the .tflite file and the host graph (0xFFFF if unknown). */
  uint16_t tensor_id;
  uint8_t dtype;
  uint32_t bytes;
  /* Where the bytes are now (in the arena, or constant data). */
  uint8_t *address;
} td_profiled_tensor;

typedef struct {
  uint32_t arena_bytes;
  uint16_t op_count;
  uint8_t input_count;
  uint8_t output_count;
  /* Non-zero when the model has variable tensors (LSTM state). */
  uint8_t has_state;
  /* The model's own input tensors (in the arena: run may overwrite them). */
  const td_profiled_tensor *inputs;
  const td_profiled_tensor *outputs;
  /*
   * Where LOAD_INPUT writes input i: a copy that survives runs, copied to inputs[i] before each
   * run; NULL entries (or a NULL array) mean the model keeps its inputs intact, so LOAD_INPUT
   * writes to inputs[i] directly.
   */
  uint8_t *const *input_copies;
  /* READ_TENSOR's table: every tensor whose bytes can be read by id. */
  uint16_t tensor_count;
  const td_profiled_tensor *tensors;
  /* Per-op tick counts of the last run: op_count entries owned by the model adapter. */
  uint32_t *op_ticks;
  /* ASCII identifiers for HELLO (each NUL-terminated; truncated to PROTOCOL.md's limits). */
  const char *build_id;
  const uint8_t *model_hash;
  uint8_t model_hash_bytes;

  int32_t (*run)(void);
  int32_t (*failed_op)(void);
  void (*reset_state)(void);
} td_profiled_model;

/* The model the server serves (defined by the adapter or a test). */
const td_profiled_model *td_profiled_model_get(void);

#ifdef __cplusplus
}
#endif

#endif /* TD_PROFILED_MODEL_H */
