/*
 * TinyDeploy board interface for virtual-m4f: Cortex-M4F on QEMU `mps2-an386`, CMSDK UART0 at 0x40004000, receive interrupt 0.
 * The functions are those of every board (the same on every board), implemented
 * for the CMSDK UART in firmware/boards/common/src/td_cmsdk_board.c; the constants below are
 * what the shared drivers and startup need (firmware/boards/common/include/td_board_config.h).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "virtual-m4f"
#define TD_UART0_BASE 0x40004000u
#define TD_UART0_RX_IRQ 0
/* External interrupts in the vector table (QEMU's NVIC for this machine has this many). */
#define TD_IRQ_COUNT 32
/* Core clock, also SysTick's: under `-icount shift=0` one tick is 1e9 / TD_CPU_HZ instructions. */
#define TD_CPU_HZ 25000000u

#ifdef __cplusplus
extern "C" {
#endif

/* Brings up what the runtime needs (UART0). Call once at the start of main(). */
void td_board_init(void);

/* Writes bytes to UART0, blocking until each is accepted by the transmitter. */
void td_board_write(const void *data, size_t length);

/* Reads one byte from UART0, blocking until one arrives (not used once td_serial_init ran). */
uint8_t td_board_read_byte(void);

/* Ends the program: exits QEMU with `status` under `-semihosting`, else sleeps forever. */
void td_board_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* TD_BOARD_H */
