/*
 * The protocol server of PROTOCOL.md: collects bytes up to each 0x00, decodes the frame (COBS,
 * CRC-32), dispatches the command and sends exactly one reply per valid frame. Invalid frames
 * (bad COBS, too short, bad CRC, longer than the receive buffer) are dropped without a reply;
 * the host's timeout and retry deal with them.
 */
#include <string.h>

#include "board.h"
#include "td_framing.h"
#include "td_port.h"
#include "td_profiled_model.h"
#include "td_profile_hooks.h"
#include "td_runtime.h"

#if TD_MAX_PAYLOAD < 256u || TD_MAX_PAYLOAD > 1024u
#error "TD_MAX_PAYLOAD must be within 256 … 1024 (PROTOCOL.md §1)"
#endif

enum {
  TD_COMMAND_HELLO = 0x01,
  TD_COMMAND_LOAD_INPUT = 0x02,
  TD_COMMAND_RUN = 0x03,
  TD_COMMAND_READ_PROFILE = 0x04,
  TD_COMMAND_READ_OUTPUT = 0x05,
  TD_COMMAND_READ_TENSOR = 0x06,
  TD_COMMAND_STACK = 0x07,
  TD_COMMAND_RESET = 0x08,
  TD_COMMAND_ECHO = 0x09,
  TD_COMMAND_SET_BAUD = 0x0A,
};

enum {
  TD_STATUS_OK = 0x00,
  TD_STATUS_UNKNOWN_COMMAND = 0x01,
  TD_STATUS_BAD_LENGTH = 0x02,
  TD_STATUS_BAD_INDEX = 0x03,
  TD_STATUS_BAD_RANGE = 0x04,
  TD_STATUS_BAD_ARGUMENT = 0x05,
  TD_STATUS_RUN_FAILED = 0x06,
  TD_STATUS_NO_RESULT = 0x07,
  TD_STATUS_INTERNAL = 0x08,
};

#define TD_HEADER_BYTES 4u
#define TD_CRC_BYTES 4u
#define TD_MESSAGE_BYTES (TD_HEADER_BYTES + TD_MAX_PAYLOAD + TD_CRC_BYTES)
/* A COBS frame of a whole message: one code byte per 254 data bytes (rounded up) more. */
#define TD_FRAME_BYTES (TD_MESSAGE_BYTES + (TD_MESSAGE_BYTES + 253u) / 254u)
#define TD_HELLO_MAX_BYTES 256u
#define TD_RUN_FLAG_STREAMING 0x01u
#define TD_RUN_FLAG_MEASURE_STACK 0x02u

/* PROTOCOL.md's timer_unit: 0 instructions, 1 cycles. */
#define TD_PROTOCOL_UNIT_INSTRUCTIONS 0u
#define TD_PROTOCOL_UNIT_CYCLES 1u

#ifndef TD_BOARD_ID
#error "TD_BOARD_ID is not defined: pass -DTD_BOARD_ID='\"<board id>\"' (or define it in board.h)"
#endif

static uint8_t td_frame[TD_FRAME_BYTES];
static size_t td_frame_length;
static uint8_t td_frame_overflow;

/* SET_BAUD: the rate every board starts at and goes back to; the rate to switch to once the reply
 * is out; after switching, probation until a valid frame arrives: TD_BAUD_PROBATION_BYTES bytes
 * without one, or an invalid frame, mean the host cannot hear us at the new rate. */
#define TD_BAUD_DEFAULT 115200u
#define TD_BAUD_PROBATION_BYTES 128u
static uint32_t td_baud_pending;
static uint8_t td_baud_probation;
static uint32_t td_baud_probation_bytes;
static uint8_t td_reply[TD_MESSAGE_BYTES];

static uint8_t td_outputs_valid;
static uint8_t td_profile_valid;
/* The deepest stack use of the runs of RUNs with MEASURE_STACK (0 before the first). */
static uint32_t td_run_stack_bytes;

/* ---- little-endian access ------------------------------------------------------------------ */

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- replies -------------------------------------------------------------------------------- */

static void td_uart_writer(const uint8_t *bytes, size_t length, void *context) {
  (void)context;
  td_board_write(bytes, length);
}

/* Sends td_reply's header and `payload_length` bytes of payload (already in place), with CRC. */
static void td_send_reply(uint16_t request_id, uint8_t command, uint8_t status, size_t payload_length) {
  static const uint8_t delimiter = 0u;
  put_u16(&td_reply[0], request_id);
  td_reply[2] = (uint8_t)(command | 0x80u);
  td_reply[3] = status;
  size_t length = TD_HEADER_BYTES + payload_length;
  put_u32(&td_reply[length], td_crc32(td_reply, length));
  /* 0x00 before and after (PROTOCOL.md §1): the leading one ends any partial frame the host holds. */
  td_board_write(&delimiter, 1);
  td_cobs_encode(td_reply, length + TD_CRC_BYTES, td_uart_writer, NULL);
  td_board_write(&delimiter, 1);
}

/* ---- commands ------------------------------------------------------------------------------- */

/* Each handler reads the request payload and writes its reply payload at `out`; returns the status. */
typedef struct {
  const uint8_t *payload;
  size_t length;
  uint8_t *out;
  size_t out_length;
} td_exchange;

static uint8_t td_timer_protocol_unit(void) {
  return td_timer_describe()->unit == TD_TIMER_UNIT_CYCLES ? TD_PROTOCOL_UNIT_CYCLES : TD_PROTOCOL_UNIT_INSTRUCTIONS;
}

static size_t td_put_string(uint8_t *out, size_t room, const uint8_t *bytes, size_t length, size_t limit) {
  if (room == 0u) return 0;
  if (length > limit) length = limit;
  if (length > room - 1u) length = room - 1u;
  out[0] = (uint8_t)length;
  memcpy(&out[1], bytes, length);
  return length + 1u;
}

static uint8_t td_hello(td_exchange *x) {
  const td_profiled_model *model = td_profiled_model_get();
  const td_timer_info *timer = td_timer_describe();
  uint8_t *out = x->out;
  put_u16(&out[0], TD_PROTOCOL_VERSION);
  put_u16(&out[2], TD_MAX_PAYLOAD);
  put_u32(&out[4], model->arena_bytes);
  put_u16(&out[8], model->op_count);
  put_u16(&out[10], model->tensor_count);
  out[12] = model->input_count;
  out[13] = model->output_count;
  out[14] = td_timer_protocol_unit();
  out[15] = model->has_state ? 1u : 0u;
  put_u32(&out[16], timer->unit == TD_TIMER_UNIT_CYCLES ? timer->tick_hz : 0u);
  /* One tick, rounded up to whole units (31.25 instructions on a 32 MHz SysTick reports 32). */
  put_u32(&out[20], (timer->units_per_tick_num + timer->units_per_tick_den - 1u) / timer->units_per_tick_den);
  size_t length = 24;
  for (int kind = 0; kind < 2; kind++) {
    const td_profiled_tensor *tensors = kind == 0 ? model->inputs : model->outputs;
    uint8_t count = kind == 0 ? model->input_count : model->output_count;
    for (uint8_t i = 0; i < count; i++) {
      put_u16(&out[length], tensors[i].tensor_id);
      out[length + 2] = tensors[i].dtype;
      out[length + 3] = 0u;
      put_u32(&out[length + 4], tensors[i].bytes);
      length += 8;
    }
  }
  static const char board[] = TD_BOARD_ID;
  const char *build = model->build_id ? model->build_id : "";
  size_t build_length = 0;
  while (build_length < 32u && build[build_length] != '\0') build_length++;
  length += td_put_string(&out[length], TD_HELLO_MAX_BYTES - length, (const uint8_t *)board, sizeof board - 1u, 32);
  length += td_put_string(&out[length], TD_HELLO_MAX_BYTES - length, (const uint8_t *)build, build_length, 32);
  length += td_put_string(&out[length], TD_HELLO_MAX_BYTES - length, model->model_hash, model->model_hash_bytes, 32);
  x->out_length = length;
  return TD_STATUS_OK;
}

static uint8_t *td_input_target(const td_profiled_model *model, uint16_t index) {
  if (model->input_copies && model->input_copies[index]) return model->input_copies[index];
  return model->inputs[index].address;
}

static uint8_t td_load_input(td_exchange *x) {
  const td_profiled_model *model = td_profiled_model_get();
  if (x->length < 7u) return TD_STATUS_BAD_LENGTH;
  uint16_t index = get_u16(&x->payload[0]);
  uint32_t offset = get_u32(&x->payload[2]);
  size_t count = x->length - 6u;
  if (index >= model->input_count) return TD_STATUS_BAD_INDEX;
  if (offset > model->inputs[index].bytes || count > model->inputs[index].bytes - offset) return TD_STATUS_BAD_RANGE;
  memcpy(td_input_target(model, index) + offset, &x->payload[6], count);
  return TD_STATUS_OK;
}

static uint8_t td_run(td_exchange *x) {
  const td_profiled_model *model = td_profiled_model_get();
  if (x->length != 5u) return TD_STATUS_BAD_LENGTH;
  uint16_t runs = get_u16(&x->payload[0]);
  uint16_t last_op = get_u16(&x->payload[2]);
  uint8_t flags = x->payload[4];
  if (runs == 0u || (flags & (uint8_t)~(TD_RUN_FLAG_STREAMING | TD_RUN_FLAG_MEASURE_STACK)) != 0u) return TD_STATUS_BAD_ARGUMENT;
  if (last_op != 0xFFFFu && last_op >= model->op_count) return TD_STATUS_BAD_ARGUMENT;
  int32_t last = last_op == 0xFFFFu ? (int32_t)model->op_count - 1 : (int32_t)last_op;

  td_outputs_valid = 0;
  td_profile_valid = 0;
  uint64_t total = 0, fastest = UINT64_MAX, slowest = 0;
  /* The stack below this frame painted afresh, and reception held off while the runs go on (td_port.h). */
  if (flags & TD_RUN_FLAG_MEASURE_STACK) td_stack_repaint();
  td_serial_hold();
  for (uint16_t run = 0; run < runs; run++) {
    if (!(flags & TD_RUN_FLAG_STREAMING)) model->reset_state();
    for (uint8_t i = 0; i < model->input_count; i++) {
      if (model->input_copies && model->input_copies[i]) memcpy(model->inputs[i].address, model->input_copies[i], model->inputs[i].bytes);
    }
    uint64_t begin = td_profile_begin_run(model->op_ticks, model->op_count, last);
    td_estimate_window_open();
    int32_t status = model->run();
    td_estimate_window_close();
    uint64_t ticks = td_timer_now() - begin;
    td_profile_last_op = 0x7FFFFFFF;
    if (status != 0) {
      td_serial_release();
      put_u16(&x->out[0], (uint16_t)model->failed_op());
      put_u32(&x->out[2], (uint32_t)status);
      x->out_length = 6;
      return TD_STATUS_RUN_FAILED;
    }
    uint64_t units = td_timer_ticks_to_units(ticks);
    total += units;
    if (units < fastest) fastest = units;
    if (units > slowest) slowest = units;
  }
  td_serial_release();
  if (flags & TD_RUN_FLAG_MEASURE_STACK) {
    uint32_t used = td_stack_painted_high_water_bytes();
    if (used > td_run_stack_bytes) td_run_stack_bytes = used;
  }
  td_profile_valid = 1;
  td_outputs_valid = last == (int32_t)model->op_count - 1;

  put_u16(&x->out[0], runs);
  put_u16(&x->out[2], (uint16_t)(last + 1));
  x->out[4] = td_timer_protocol_unit();
  x->out[5] = 0;
  put_u16(&x->out[6], 0);
  put_u64(&x->out[8], total);
  put_u64(&x->out[16], fastest);
  put_u64(&x->out[24], slowest);
  x->out_length = 32;
  return TD_STATUS_OK;
}

static uint8_t td_read_profile(td_exchange *x) {
  const td_profiled_model *model = td_profiled_model_get();
  if (x->length != 4u) return TD_STATUS_BAD_LENGTH;
  uint16_t first = get_u16(&x->payload[0]);
  uint16_t count = get_u16(&x->payload[2]);
  if (first >= model->op_count) return TD_STATUS_BAD_INDEX;
  if (count == 0u || count > (TD_MAX_PAYLOAD - 4u) / 4u || (uint32_t)first + count > model->op_count) return TD_STATUS_BAD_RANGE;
  if (!td_profile_valid) return TD_STATUS_NO_RESULT;
  put_u16(&x->out[0], first);
  put_u16(&x->out[2], count);
  for (uint16_t i = 0; i < count; i++) {
    uint64_t units = td_timer_ticks_to_units(model->op_ticks[first + i]);
    put_u32(&x->out[4 + 4u * i], units > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)units);
  }
  x->out_length = 4u + 4u * count;
  return TD_STATUS_OK;
}

/*
 * READ_OUTPUT and READ_TENSOR: `index u16, offset u32, length u16` → `total u32, offset u32,
 * data[min(length, total - offset)]`: a read past the end is cut short, so the host learns a
 * tensor's size from its first read.
 */
static uint8_t td_read_bytes(td_exchange *x, const td_profiled_tensor *tensor) {
  uint32_t offset = get_u32(&x->payload[2]);
  uint32_t length = get_u16(&x->payload[6]);
  if (length == 0u || length > TD_MAX_PAYLOAD - 8u || offset >= tensor->bytes) return TD_STATUS_BAD_RANGE;
  if (length > tensor->bytes - offset) length = tensor->bytes - offset;
  put_u32(&x->out[0], tensor->bytes);
  put_u32(&x->out[4], offset);
  memcpy(&x->out[8], tensor->address + offset, length);
  x->out_length = 8u + length;
  return TD_STATUS_OK;
}

static uint8_t td_read_output(td_exchange *x) {
  const td_profiled_model *model = td_profiled_model_get();
  if (x->length != 8u) return TD_STATUS_BAD_LENGTH;
  uint16_t index = get_u16(&x->payload[0]);
  if (index >= model->output_count) return TD_STATUS_BAD_INDEX;
  uint8_t status = td_read_bytes(x, &model->outputs[index]);
  if (status == TD_STATUS_OK && !td_outputs_valid) {
    x->out_length = 0;
    return TD_STATUS_NO_RESULT;
  }
  return status;
}

static uint8_t td_read_tensor(td_exchange *x) {
  const td_profiled_model *model = td_profiled_model_get();
  if (x->length != 8u) return TD_STATUS_BAD_LENGTH;
  uint16_t id = get_u16(&x->payload[0]);
  for (uint16_t i = 0; i < model->tensor_count; i++) {
    if (model->tensors[i].tensor_id == id) return td_read_bytes(x, &model->tensors[i]);
  }
  return TD_STATUS_BAD_INDEX;
}

static uint8_t td_stack(td_exchange *x) {
  put_u32(&x->out[0], td_stack_region_bytes());
  put_u32(&x->out[4], td_stack_high_water_bytes());
  put_u32(&x->out[8], td_run_stack_bytes);
  x->out_length = 12;
  return TD_STATUS_OK;
}

static uint8_t td_reset(td_exchange *x) {
  (void)x;
  td_profiled_model_get()->reset_state();
  return TD_STATUS_OK;
}

static uint8_t td_echo(td_exchange *x) {
  memmove(x->out, x->payload, x->length);
  x->out_length = x->length;
  return TD_STATUS_OK;
}

static uint8_t td_set_baud(td_exchange *x) {
  if (x->length != 4u) return TD_STATUS_BAD_LENGTH;
  uint32_t baud = get_u32(&x->payload[0]);
  if (baud < 9600u || !td_board_set_baud(baud, 0)) return TD_STATUS_BAD_ARGUMENT;
  td_baud_pending = baud;
  put_u32(&x->out[0], baud);
  x->out_length = 4;
  return TD_STATUS_OK;
}

static void td_handle_message(const uint8_t *message, size_t length) {
  uint16_t request_id = get_u16(&message[0]);
  uint8_t command = message[2];
  td_exchange x = {&message[TD_HEADER_BYTES], length - TD_HEADER_BYTES, &td_reply[TD_HEADER_BYTES], 0};
  uint8_t status;
  if (x.length > TD_MAX_PAYLOAD) {
    status = TD_STATUS_BAD_LENGTH;
  } else {
    switch (command) {
      case TD_COMMAND_HELLO: status = td_hello(&x); break;
      case TD_COMMAND_LOAD_INPUT: status = td_load_input(&x); break;
      case TD_COMMAND_RUN: status = td_run(&x); break;
      case TD_COMMAND_READ_PROFILE: status = td_read_profile(&x); break;
      case TD_COMMAND_READ_OUTPUT: status = td_read_output(&x); break;
      case TD_COMMAND_READ_TENSOR: status = td_read_tensor(&x); break;
      case TD_COMMAND_STACK: status = td_stack(&x); break;
      case TD_COMMAND_RESET: status = td_reset(&x); break;
      case TD_COMMAND_ECHO: status = td_echo(&x); break;
      case TD_COMMAND_SET_BAUD: status = td_set_baud(&x); break;
      default: status = TD_STATUS_UNKNOWN_COMMAND; break;
    }
  }
  /* Only OK and RUN_FAILED replies carry a payload. */
  if (status != TD_STATUS_OK && status != TD_STATUS_RUN_FAILED) x.out_length = 0;
  td_send_reply(request_id, command, status, x.out_length);
  if (td_baud_pending != 0u) {
    /* The reply went out at the old rate; td_board_set_baud waits for it to leave the UART. */
    td_board_set_baud(td_baud_pending, 1);
    td_baud_pending = 0;
    td_baud_probation = 1;
    td_baud_probation_bytes = 0;
  }
}

/* Back to 115200 when the host does not speak at the rate SET_BAUD set. */
static void td_baud_give_up(void) {
  td_baud_probation = 0;
  td_board_set_baud(TD_BAUD_DEFAULT, 1);
}

static void td_handle_frame(uint8_t *frame, size_t length) {
  int32_t decoded = td_cobs_decode(frame, length);
  size_t message_length = decoded < (int32_t)(TD_HEADER_BYTES + TD_CRC_BYTES) ? 0u : (size_t)decoded - TD_CRC_BYTES;
  if (message_length == 0u || get_u32(&frame[message_length]) != td_crc32(frame, message_length)) {
    if (td_baud_probation) td_baud_give_up();
    return;
  }
  td_baud_probation = 0;
  td_handle_message(frame, message_length);
}

void td_server_receive(uint8_t byte) {
  if (td_baud_probation && ++td_baud_probation_bytes > TD_BAUD_PROBATION_BYTES) {
    td_baud_give_up();
    td_frame_length = 0;
    td_frame_overflow = 0;
    return;
  }
  if (byte == 0u) {
    if (td_frame_length > 0u && !td_frame_overflow) td_handle_frame(td_frame, td_frame_length);
    td_frame_length = 0;
    td_frame_overflow = 0;
    return;
  }
  if (td_frame_length < sizeof td_frame) {
    td_frame[td_frame_length++] = byte;
  } else {
    td_frame_overflow = 1;
  }
}

void td_server_run(void) {
  for (;;) {
    uint8_t byte;
    if (td_serial_read(&byte)) {
      td_server_receive(byte);
    } else {
      td_serial_wait();
    }
  }
}
