/*
 * The board constants TinyDeploy's shared drivers need, taken from the board's own board.h
 * or, failing that, from the compiler command line (-D, from board.json):
 *
 *   TD_UART0_BASE     base address of the CMSDK APB UART the host talks to
 *   TD_UART0_RX_IRQ   its receive interrupt (external interrupt number, 0-based)
 *   TD_CPU_HZ         core clock in Hz (also SysTick's clock with CLKSOURCE = processor)
 *
 * A missing one stops the build here, naming it, rather than producing firmware that
 * silently talks to the wrong address.
 */
#ifndef TD_BOARD_CONFIG_H
#define TD_BOARD_CONFIG_H

#include "board.h"

#ifndef TD_UART0_BASE
#error "TD_UART0_BASE is not defined: define it in the board's board.h or pass -DTD_UART0_BASE=<uart.base of board.json>"
#endif
#ifndef TD_UART0_RX_IRQ
#error "TD_UART0_RX_IRQ is not defined: define it in the board's board.h or pass -DTD_UART0_RX_IRQ=<uart.rxIrq of board.json>"
#endif
#ifndef TD_CPU_HZ
#error "TD_CPU_HZ is not defined: define it in the board's board.h or pass -DTD_CPU_HZ=<cpuHz of board.json>"
#endif

#endif /* TD_BOARD_CONFIG_H */
