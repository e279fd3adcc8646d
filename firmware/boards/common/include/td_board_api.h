/*
 * The functions every TinyDeploy board provides (the generated standalone main, the profiler and
 * the test programs call them). Each board's board.h defines its constants (TD_BOARD_ID,
 * TD_UART0_BASE, TD_UART0_RX_IRQ, TD_IRQ_COUNT, TD_CPU_HZ) and includes this header; the CMSDK
 * boards implement it in src/td_cmsdk_board.c, a board with another UART in its own board.c.
 */
#ifndef TD_BOARD_API_H
#define TD_BOARD_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Brings up clocks, pins and the UART the host talks to. Call once at the start of main(). */
void td_board_init(void);

/* Writes bytes to the UART, blocking until each is accepted by the transmitter. */
void td_board_write(const void *data, size_t length);

/* Reads one byte, blocking (not used once td_serial_init has turned on the receive interrupt). */
uint8_t td_board_read_byte(void);

/*
 * The profiler's UART at `baud` 8N1 (PROTOCOL.md SET_BAUD): 1 when the UART can make the rate
 * within 2 % from its clock, else 0. With `apply` 1 it also waits until the transmitter has sent
 * everything written so far, then switches. Boards whose rate is fixed (the QEMU CMSDK boards)
 * return 0.
 */
int td_board_set_baud(uint32_t baud, int apply);

/* Whether a UART that makes `made` baud for `wanted` is within 2 % of it. */
static inline int td_baud_within(uint32_t made, uint32_t wanted) {
  uint32_t error = made > wanted ? made - wanted : wanted - made;
  return (uint64_t)error * 50u <= wanted;
}

/* Ends the program: exits QEMU with `status` under `-semihosting` (or a debugger's semihosting), else sleeps forever. */
void td_board_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* TD_BOARD_API_H */
