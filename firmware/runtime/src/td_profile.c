/*
 * The per-op hooks (td_profile_hooks.h): one timer read per op. The run's start is read when the
 * run begins (td_profile_begin_run), and TD_OP_END(i) reads the timer once: op i's time is the
 * ticks since the previous read (the end of op i - 1, or the start for the first op), so the ops'
 * times follow one another and add up to the run's up to its return. TD_OP_BEGIN reads nothing.
 * The timer is restarted at the beginning of every run, which under QEMU fixes SysTick's phase
 * against the instruction stream: identical runs give identical counts.
 */
#include "td_port.h"
#include "td_profile_hooks.h"
#include "td_runtime.h"

int32_t td_profile_last_op = 0x7FFFFFFF;

/* One place for what TD_OP_END touches (one address to load). */
static struct {
  uint64_t last;
  uint32_t *ticks;
  uint32_t op_count;
} td_profile;

uint64_t td_profile_begin_run(uint32_t *op_ticks, uint16_t op_count, int32_t last_op) {
  td_profile.ticks = op_ticks;
  td_profile.op_count = op_count;
  td_profile_last_op = last_op;
  for (uint16_t i = 0; i < op_count; i++) op_ticks[i] = 0;
  td_timer_restart();
  td_profile.last = td_timer_now();
  return td_profile.last;
}

__attribute__((noinline, used)) void td_estimate_window_open(void) { __asm__ volatile(""); }
__attribute__((noinline, used)) void td_estimate_window_close(void) { __asm__ volatile(""); }

void td_profile_op_end(int32_t op) {
  const uint64_t now = td_timer_now();
  const uint64_t elapsed = now - td_profile.last;
  td_profile.last = now;
  /* An index outside the run's table (none before the first run) is not stored. */
  if ((uint32_t)op < td_profile.op_count) td_profile.ticks[op] = elapsed > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)elapsed;
}
