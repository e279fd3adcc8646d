/*
 * TinyDeploy board interface: what generated programs and the on-device runtime need from a
 * board. Every board directory under firmware/boards/ implements it; this one is the virtual
 * Cortex-M4F (QEMU mps2-an386, CMSDK UART0 at 0x40004000).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Brings up what the runtime needs (UART0 for now). Call once at the start of main(). */
void td_board_init(void);

/* Writes bytes to UART0, blocking until each is accepted by the transmitter. */
void td_board_write(const void *data, size_t length);

/* Reads one byte from UART0, blocking until one arrives. */
uint8_t td_board_read_byte(void);

/*
 * Ends the program. On QEMU started with `-semihosting` this exits QEMU with `status`;
 * otherwise the core sleeps forever with interrupts masked.
 */
void td_board_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* TD_BOARD_H */
