/*
 * The per-op hooks (td_profile_hooks.h): op i's time is the timer ticks between
 * TD_OP_BEGIN(i) and TD_OP_END(i), stored in the model adapter's op_ticks array. The timer is
 * restarted at the beginning of every run, which under QEMU fixes SysTick's phase against the
 * instruction stream: identical runs give identical counts.
 */
#include "td_port.h"
#include "td_profile_hooks.h"
#include "td_runtime.h"

int32_t td_profile_last_op = 0x7FFFFFFF;

static uint32_t *td_profile_ticks;
static uint16_t td_profile_op_count;
static uint64_t td_profile_op_started;

void td_profile_begin_run(uint32_t *op_ticks, uint16_t op_count, int32_t last_op) {
  td_profile_ticks = op_ticks;
  td_profile_op_count = op_count;
  td_profile_last_op = last_op;
  for (uint16_t i = 0; i < op_count; i++) op_ticks[i] = 0;
  td_timer_restart();
}

__attribute__((noinline, used)) void td_estimate_window_open(void) { __asm__ volatile(""); }
__attribute__((noinline, used)) void td_estimate_window_close(void) { __asm__ volatile(""); }

void td_profile_op_begin(int32_t op) {
  (void)op;
  td_profile_op_started = td_timer_now();
}

void td_profile_op_end(int32_t op) {
  uint64_t elapsed = td_timer_now() - td_profile_op_started;
  if (op >= 0 && op < (int32_t)td_profile_op_count && td_profile_ticks) {
    td_profile_ticks[op] = elapsed > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)elapsed;
  }
}
