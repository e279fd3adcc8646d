/*
 * The generated model's per-op hooks, as the profiler defines them. model.c is compiled with
 * -DTD_MODEL_HOOKS_HEADER='"td_profile_hooks.h"', so each op's kernel call in td_model_run()
 * is wrapped as
 *
 *     TD_OP_BEGIN(i);  status = td_<kernel>(…);  TD_OP_END(i);  if (status != TD_OK) …
 *
 * TD_OP_BEGIN(i) ends td_model_run() early (returning TD_OK) when i is past the last op the
 * RUN command asked for, which is how a partial run (PROTOCOL.md `last_op`) stops without any
 * help from the generated code; it relies on TD_OP_BEGIN being a statement of td_model_run()
 * itself, which is what the generator emits. It reads no timer: TD_OP_END(i) reads it once, and
 * op i's time is the ticks since the previous read (op i - 1's end, or the run's start), so a
 * model pays one timer read per op and the ops' times add up to the run's.
 */
#ifndef TD_PROFILE_HOOKS_H
#define TD_PROFILE_HOOKS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the last op to execute in the current run (op_count - 1 for a full run). */
extern int32_t td_profile_last_op;

void td_profile_op_end(int32_t op);

#ifdef __cplusplus
}
#endif

#define TD_OP_BEGIN(index)                                  \
  do {                                                      \
    if ((int32_t)(index) > td_profile_last_op) return TD_OK; \
  } while (0)

#define TD_OP_END(index) td_profile_op_end((int32_t)(index))

#endif /* TD_PROFILE_HOOKS_H */
