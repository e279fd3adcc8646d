/*
 * Builds the profiler's view of the model (td_profiled_model.h) from the generated model.h and
 * model.c (src/core/common/codegen/generate.ts): input/output addresses and sizes through
 * td_model_input/output(_bytes), dtypes from TD_MODEL_INPUT<i>_DTYPE / OUTPUT<i>_DTYPE, tensor
 * ids from TD_MODEL_INPUT<i>_TENSOR / OUTPUT<i>_TENSOR when the generator provides them (else
 * 0xFFFF), and READ_TENSOR's table from td_model_tensor_table() when model.h announces it with
 * TD_MODEL_TENSOR_TABLE_COUNT (else the inputs and outputs only):
 *
 *   typedef struct { uint16_t tensor_id; uint8_t dtype; uint32_t bytes; const void *address; }
 *       td_model_tensor_entry;                  dtype: TFLite TensorType code
 *   const td_model_tensor_entry *td_model_tensor_table(void);   TD_MODEL_TENSOR_TABLE_COUNT entries
 *
 * TD_MODEL_HAS_STATE (1 when the model has variable tensors) sets HELLO's state flag.
 *
 * Inputs: PROTOCOL.md wants loaded input bytes to survive runs. Unless model.h defines
 * TD_MODEL_INPUTS_PRESERVED (the planner keeps inputs out of memory reuse), LOAD_INPUT writes
 * to a copy kept here, and the server copies it into the model's input before each run.
 *
 * Up to 8 inputs and 8 outputs (the chains below); more is a build error.
 *
 * Strings are compared and measured by hand: newlib's strcmp and strlen would add about 950
 * bytes of flash to every profiler build for two look-ups made once at start-up.
 */
#include <stddef.h>
#include <string.h>

#include "model.h"
#include "td_profiled_model.h"

#if TD_MODEL_INPUT_COUNT > 8 || TD_MODEL_OUTPUT_COUNT > 8
#error "td_model_adapter.c handles at most 8 inputs and 8 outputs"
#endif
#if TD_MODEL_INPUT_COUNT + TD_MODEL_OUTPUT_COUNT > 16
#error "PROTOCOL.md allows at most 16 inputs and outputs together"
#endif

#ifdef TD_BUILD_ID
#define TD_ADAPTER_BUILD_ID TD_BUILD_ID
#else
#define TD_ADAPTER_BUILD_ID TD_MODEL_NAME
#endif

/* ---- per-index facts from model.h ------------------------------------------------------ */

#ifdef TD_MODEL_INPUT0_TENSOR
#define TD_ADAPTER_INPUT0_TENSOR TD_MODEL_INPUT0_TENSOR
#else
#define TD_ADAPTER_INPUT0_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT0_TENSOR
#define TD_ADAPTER_OUTPUT0_TENSOR TD_MODEL_OUTPUT0_TENSOR
#else
#define TD_ADAPTER_OUTPUT0_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT1_TENSOR
#define TD_ADAPTER_INPUT1_TENSOR TD_MODEL_INPUT1_TENSOR
#else
#define TD_ADAPTER_INPUT1_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT1_TENSOR
#define TD_ADAPTER_OUTPUT1_TENSOR TD_MODEL_OUTPUT1_TENSOR
#else
#define TD_ADAPTER_OUTPUT1_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT2_TENSOR
#define TD_ADAPTER_INPUT2_TENSOR TD_MODEL_INPUT2_TENSOR
#else
#define TD_ADAPTER_INPUT2_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT2_TENSOR
#define TD_ADAPTER_OUTPUT2_TENSOR TD_MODEL_OUTPUT2_TENSOR
#else
#define TD_ADAPTER_OUTPUT2_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT3_TENSOR
#define TD_ADAPTER_INPUT3_TENSOR TD_MODEL_INPUT3_TENSOR
#else
#define TD_ADAPTER_INPUT3_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT3_TENSOR
#define TD_ADAPTER_OUTPUT3_TENSOR TD_MODEL_OUTPUT3_TENSOR
#else
#define TD_ADAPTER_OUTPUT3_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT4_TENSOR
#define TD_ADAPTER_INPUT4_TENSOR TD_MODEL_INPUT4_TENSOR
#else
#define TD_ADAPTER_INPUT4_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT4_TENSOR
#define TD_ADAPTER_OUTPUT4_TENSOR TD_MODEL_OUTPUT4_TENSOR
#else
#define TD_ADAPTER_OUTPUT4_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT5_TENSOR
#define TD_ADAPTER_INPUT5_TENSOR TD_MODEL_INPUT5_TENSOR
#else
#define TD_ADAPTER_INPUT5_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT5_TENSOR
#define TD_ADAPTER_OUTPUT5_TENSOR TD_MODEL_OUTPUT5_TENSOR
#else
#define TD_ADAPTER_OUTPUT5_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT6_TENSOR
#define TD_ADAPTER_INPUT6_TENSOR TD_MODEL_INPUT6_TENSOR
#else
#define TD_ADAPTER_INPUT6_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT6_TENSOR
#define TD_ADAPTER_OUTPUT6_TENSOR TD_MODEL_OUTPUT6_TENSOR
#else
#define TD_ADAPTER_OUTPUT6_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_INPUT7_TENSOR
#define TD_ADAPTER_INPUT7_TENSOR TD_MODEL_INPUT7_TENSOR
#else
#define TD_ADAPTER_INPUT7_TENSOR 0xFFFFu
#endif
#ifdef TD_MODEL_OUTPUT7_TENSOR
#define TD_ADAPTER_OUTPUT7_TENSOR TD_MODEL_OUTPUT7_TENSOR
#else
#define TD_ADAPTER_OUTPUT7_TENSOR 0xFFFFu
#endif

static const char *const td_adapter_input_dtypes[TD_MODEL_INPUT_COUNT > 0 ? TD_MODEL_INPUT_COUNT : 1] = {
#if TD_MODEL_INPUT_COUNT > 0
    TD_MODEL_INPUT0_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 1
    TD_MODEL_INPUT1_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 2
    TD_MODEL_INPUT2_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 3
    TD_MODEL_INPUT3_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 4
    TD_MODEL_INPUT4_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 5
    TD_MODEL_INPUT5_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 6
    TD_MODEL_INPUT6_DTYPE,
#endif
#if TD_MODEL_INPUT_COUNT > 7
    TD_MODEL_INPUT7_DTYPE,
#endif
};
static const char *const td_adapter_output_dtypes[TD_MODEL_OUTPUT_COUNT > 0 ? TD_MODEL_OUTPUT_COUNT : 1] = {
#if TD_MODEL_OUTPUT_COUNT > 0
    TD_MODEL_OUTPUT0_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 1
    TD_MODEL_OUTPUT1_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 2
    TD_MODEL_OUTPUT2_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 3
    TD_MODEL_OUTPUT3_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 4
    TD_MODEL_OUTPUT4_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 5
    TD_MODEL_OUTPUT5_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 6
    TD_MODEL_OUTPUT6_DTYPE,
#endif
#if TD_MODEL_OUTPUT_COUNT > 7
    TD_MODEL_OUTPUT7_DTYPE,
#endif
};
static const uint16_t td_adapter_input_ids[TD_MODEL_INPUT_COUNT > 0 ? TD_MODEL_INPUT_COUNT : 1] = {
#if TD_MODEL_INPUT_COUNT > 0
    TD_ADAPTER_INPUT0_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 1
    TD_ADAPTER_INPUT1_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 2
    TD_ADAPTER_INPUT2_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 3
    TD_ADAPTER_INPUT3_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 4
    TD_ADAPTER_INPUT4_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 5
    TD_ADAPTER_INPUT5_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 6
    TD_ADAPTER_INPUT6_TENSOR,
#endif
#if TD_MODEL_INPUT_COUNT > 7
    TD_ADAPTER_INPUT7_TENSOR,
#endif
};
static const uint16_t td_adapter_output_ids[TD_MODEL_OUTPUT_COUNT > 0 ? TD_MODEL_OUTPUT_COUNT : 1] = {
#if TD_MODEL_OUTPUT_COUNT > 0
    TD_ADAPTER_OUTPUT0_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 1
    TD_ADAPTER_OUTPUT1_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 2
    TD_ADAPTER_OUTPUT2_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 3
    TD_ADAPTER_OUTPUT3_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 4
    TD_ADAPTER_OUTPUT4_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 5
    TD_ADAPTER_OUTPUT5_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 6
    TD_ADAPTER_OUTPUT6_TENSOR,
#endif
#if TD_MODEL_OUTPUT_COUNT > 7
    TD_ADAPTER_OUTPUT7_TENSOR,
#endif
};

#ifndef TD_MODEL_INPUTS_PRESERVED
#if TD_MODEL_INPUT_COUNT > 0
static uint8_t td_adapter_input_copy0[TD_MODEL_INPUT0_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 1
static uint8_t td_adapter_input_copy1[TD_MODEL_INPUT1_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 2
static uint8_t td_adapter_input_copy2[TD_MODEL_INPUT2_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 3
static uint8_t td_adapter_input_copy3[TD_MODEL_INPUT3_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 4
static uint8_t td_adapter_input_copy4[TD_MODEL_INPUT4_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 5
static uint8_t td_adapter_input_copy5[TD_MODEL_INPUT5_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 6
static uint8_t td_adapter_input_copy6[TD_MODEL_INPUT6_BYTES];
#endif
#if TD_MODEL_INPUT_COUNT > 7
static uint8_t td_adapter_input_copy7[TD_MODEL_INPUT7_BYTES];
#endif
static uint8_t *const td_adapter_input_copies[TD_MODEL_INPUT_COUNT > 0 ? TD_MODEL_INPUT_COUNT : 1] = {
#if TD_MODEL_INPUT_COUNT > 0
    td_adapter_input_copy0,
#endif
#if TD_MODEL_INPUT_COUNT > 1
    td_adapter_input_copy1,
#endif
#if TD_MODEL_INPUT_COUNT > 2
    td_adapter_input_copy2,
#endif
#if TD_MODEL_INPUT_COUNT > 3
    td_adapter_input_copy3,
#endif
#if TD_MODEL_INPUT_COUNT > 4
    td_adapter_input_copy4,
#endif
#if TD_MODEL_INPUT_COUNT > 5
    td_adapter_input_copy5,
#endif
#if TD_MODEL_INPUT_COUNT > 6
    td_adapter_input_copy6,
#endif
#if TD_MODEL_INPUT_COUNT > 7
    td_adapter_input_copy7,
#endif
};
#endif

/* ---- the table ------------------------------------------------------------------------- */

static td_profiled_tensor td_adapter_inputs[TD_MODEL_INPUT_COUNT > 0 ? TD_MODEL_INPUT_COUNT : 1];
static td_profiled_tensor td_adapter_outputs[TD_MODEL_OUTPUT_COUNT > 0 ? TD_MODEL_OUTPUT_COUNT : 1];
#ifdef TD_MODEL_TENSOR_TABLE_COUNT
#define TD_ADAPTER_TENSOR_COUNT TD_MODEL_TENSOR_TABLE_COUNT
#else
#define TD_ADAPTER_TENSOR_COUNT (TD_MODEL_INPUT_COUNT + TD_MODEL_OUTPUT_COUNT)
#endif
static td_profiled_tensor td_adapter_tensors[TD_ADAPTER_TENSOR_COUNT > 0 ? TD_ADAPTER_TENSOR_COUNT : 1];
static uint32_t td_adapter_op_ticks[TD_MODEL_OP_COUNT > 0 ? TD_MODEL_OP_COUNT : 1];
static uint8_t td_adapter_hash[32];
static td_profiled_model td_adapter_model;
static int td_adapter_ready;

static uint8_t td_adapter_dtype(const char *name) {
  static const struct {
    const char *name;
    uint8_t code;
  } codes[] = {
      {"float32", TD_DTYPE_FLOAT32}, {"float16", TD_DTYPE_FLOAT16}, {"int32", TD_DTYPE_INT32}, {"uint8", TD_DTYPE_UINT8},
      {"int64", TD_DTYPE_INT64},     {"bool", TD_DTYPE_BOOL},       {"int16", TD_DTYPE_INT16}, {"int8", TD_DTYPE_INT8},
  };
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    const char *a = codes[i].name, *b = name;
    while (*a != '\0' && *a == *b) a++, b++;
    if (*a == *b) return codes[i].code;
  }
  return 0xFFu;
}

static int td_adapter_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/*
 * TD_MODEL_HASH is "<algorithm>:<hex digits>" (e.g. "fnv1a32:3ea74d75"): HELLO carries the
 * digits as bytes (at most 32). Anything else is carried as its characters.
 */
static uint8_t td_adapter_parse_hash(const char *text, uint8_t *out) {
  size_t length = 0, colon = 0;
  for (; text[length] != '\0'; length++) {
    if (text[length] == ':' && colon == 0u) colon = length + 1u;
  }
  const char *digits = text + colon;
  size_t count = length - colon;
  int hex = count > 0u && count % 2u == 0u && count <= 64u;
  for (size_t i = 0; hex && i < count; i++) hex = td_adapter_hex_digit(digits[i]) >= 0;
  if (hex) {
    for (size_t i = 0; i < count / 2u; i++) out[i] = (uint8_t)(td_adapter_hex_digit(digits[2 * i]) * 16 + td_adapter_hex_digit(digits[2 * i + 1]));
    return (uint8_t)(count / 2u);
  }
  count = length < 32u ? length : 32u;
  memcpy(out, text, count);
  return (uint8_t)count;
}

static int32_t td_adapter_run(void) { return (int32_t)td_model_run(); }

const td_profiled_model *td_profiled_model_get(void) {
  if (td_adapter_ready) return &td_adapter_model;
  uint16_t tensors = 0;
  for (int32_t i = 0; i < TD_MODEL_INPUT_COUNT; i++) {
    td_profiled_tensor tensor = {td_adapter_input_ids[i], td_adapter_dtype(td_adapter_input_dtypes[i]), (uint32_t)td_model_input_bytes(i),
                                 (uint8_t *)td_model_input(i)};
    td_adapter_inputs[i] = tensor;
#ifndef TD_MODEL_TENSOR_TABLE_COUNT
    td_adapter_tensors[tensors++] = tensor;
#endif
  }
  for (int32_t i = 0; i < TD_MODEL_OUTPUT_COUNT; i++) {
    td_profiled_tensor tensor = {td_adapter_output_ids[i], td_adapter_dtype(td_adapter_output_dtypes[i]), (uint32_t)td_model_output_bytes(i),
                                 (uint8_t *)(uintptr_t)td_model_output(i)};
    td_adapter_outputs[i] = tensor;
#ifndef TD_MODEL_TENSOR_TABLE_COUNT
    td_adapter_tensors[tensors++] = tensor;
#endif
  }
#ifdef TD_MODEL_TENSOR_TABLE_COUNT
  const td_model_tensor_entry *table = td_model_tensor_table();
  for (size_t i = 0; i < TD_ADAPTER_TENSOR_COUNT; i++) {
    td_profiled_tensor tensor = {table[i].tensor_id, table[i].dtype, table[i].bytes, (uint8_t *)(uintptr_t)table[i].address};
    td_adapter_tensors[tensors++] = tensor;
  }
#endif
  td_profiled_model model = {
      .arena_bytes = TD_MODEL_ARENA_BYTES,
      .op_count = TD_MODEL_OP_COUNT,
      .input_count = TD_MODEL_INPUT_COUNT,
      .output_count = TD_MODEL_OUTPUT_COUNT,
#ifdef TD_MODEL_HAS_STATE
      .has_state = TD_MODEL_HAS_STATE,
#endif
      .inputs = td_adapter_inputs,
      .outputs = td_adapter_outputs,
#ifndef TD_MODEL_INPUTS_PRESERVED
      .input_copies = td_adapter_input_copies,
#endif
      .tensor_count = tensors,
      .tensors = td_adapter_tensors,
      .op_ticks = td_adapter_op_ticks,
      .build_id = TD_ADAPTER_BUILD_ID,
      .model_hash = td_adapter_hash,
      .model_hash_bytes = td_adapter_parse_hash(TD_MODEL_HASH, td_adapter_hash),
      .run = td_adapter_run,
      .failed_op = td_model_failed_op,
      .reset_state = td_model_reset_state,
  };
  td_adapter_model = model;
  td_adapter_ready = 1;
  return &td_adapter_model;
}
