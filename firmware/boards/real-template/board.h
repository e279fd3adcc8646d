/*
 * TinyDeploy's real-board template: what a physical board needs to run the profiler with
 * cycle-accurate timing (DWT CYCCNT, td_dwt_timer.c). As shipped it is complete for the Arm
 * MPS2+ FPGA board running the AN386 image (Cortex-M4F at 25 MHz, CMSDK UART0 on the USB
 * serial port), the same machine QEMU's mps2-an386 emulates, so it builds and answers there too
 * (where CYCCNT reads 0: virtual boards count instructions with SysTick instead).
 *
 * To port it to another board, copy this folder to firmware/boards/<id>/ and change:
 *   1. the constants below (core clock, UART, interrupt count) and TD_BOARD_ID;
 *   2. MEMORY in the linker script;
 *   3. the UART driver, if the board's UART is not a CMSDK one: the four functions of
 *      ../common/include/td_board_api.h
 *      (td_board_init also sets up clocks and pins) and td_port.h's td_serial_* with a receive
 *      interrupt named UART0_RX_IRQHandler (or rename it in td_startup.c's table);
 *   4. board.json: core, FPU, flash method (OpenOCD/pyOCD/J-Link GDB server, or a mass-storage
 *      drive), USB VID/PID of its debug probe.
 * See README.md.
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "real-template"
/* Core clock: DWT counts these cycles, the host turns them into milliseconds. */
#define TD_CPU_HZ 25000000u
#define TD_UART0_BASE 0x40004000u
#define TD_UART0_RX_IRQ 0
#define TD_IRQ_COUNT 32

#include "td_board_api.h"

#endif /* TD_BOARD_H */
