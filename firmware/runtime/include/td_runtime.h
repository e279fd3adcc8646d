/*
 * TinyDeploy's on-device profiler: a server for the protocol of PROTOCOL.md over the board's
 * UART. It answers HELLO, LOAD_INPUT, RUN, READ_PROFILE, READ_OUTPUT, READ_TENSOR, STACK, RESET
 * and ECHO for the model of td_profiled_model_get(), times each op with the board's timer
 * (td_port.h: instructions under QEMU, cycles on real boards), measures the stack by painting
 * it, and sleeps (WFI) whenever no byte is waiting.
 *
 * Build: the board's startup, board.c and linker script; firmware/boards/common's serial and
 * timer drivers; these sources (td_runtime_main.c, td_server.c, td_framing.c, td_profile.c,
 * td_stack.c, td_model_adapter.c); model.c compiled with
 *   -DTD_MODEL_HOOKS_HEADER='"td_profile_hooks.h"' -DTD_MODEL_KEEP_STATE
 * (the server resets state itself, per RUN's STREAMING flag); and -DTD_BOARD_ID='"<id>"'
 * unless board.h defines it, and optionally -DTD_BUILD_ID='"<build id>"'.
 */
#ifndef TD_RUNTIME_H
#define TD_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PROTOCOL.md's max_payload for this firmware (256 … 1024). */
#ifndef TD_MAX_PAYLOAD
#define TD_MAX_PAYLOAD 512u
#endif

#define TD_PROTOCOL_VERSION 1u

/* Feeds one received byte to the server; a 0x00 completes a frame, which is answered at once. */
void td_server_receive(uint8_t byte);

/* Serves forever: reads the UART ring, answers frames, sleeps in WFI when idle. */
void td_server_run(void) __attribute__((noreturn));

/* ---- stack painting (td_stack.c) ----------------------------------------------------------- */

/* Fills the unused stack (from the end of .bss to just below the current SP) with a pattern. */
void td_stack_paint(void);
/* Bytes of the stack region (top of RAM down to the end of .bss). */
uint32_t td_stack_region_bytes(void);
/* Deepest stack use since start-up: bytes from the top down to the lowest word ever overwritten. */
uint32_t td_stack_high_water_bytes(void);
/* Paints again below the caller's frame (keeping the deepest use so far for td_stack_high_water_bytes). */
void td_stack_repaint(void);
/* Deepest stack use since the last painting (td_stack_paint or td_stack_repaint). */
uint32_t td_stack_painted_high_water_bytes(void);

/* ---- profiling (td_profile.c) ------------------------------------------------------------- */

/*
 * Clears the per-op counts, restarts the timer and returns the run's start (td_timer_now), from
 * which the first op's time runs; the next hooks time ops of a new run.
 */
uint64_t td_profile_begin_run(uint32_t *op_ticks, uint16_t op_count, int32_t last_op);

/*
 * Empty, never inlined, called right around each inference: QEMU's instruction-class plugin
 * (firmware/qemu-plugin/insn-classes.c) counts from the first to the second by their addresses.
 * On a real board they cost two calls and returns each.
 */
void td_estimate_window_open(void);
void td_estimate_window_close(void);

#ifdef __cplusplus
}
#endif

#endif /* TD_RUNTIME_H */
