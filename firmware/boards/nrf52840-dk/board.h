/*
 * TinyDeploy board nrf52840-dk: Nordic nRF52840-DK, an nRF52840 (Cortex-M4F) at 64 MHz from the
 * HFXO crystal, running the nRF52 family code of ../nrf52/. Flash 1 MiB at 0x00000000, RAM
 * 256 KiB at 0x20000000. UARTE0 at 0x40002000 (interrupt 2, shared with UART0/SPI0/TWI0) on
 * P0.06 TX / P0.08 RX, wired to the J-Link OB's virtual COM port (nRF52840 DK user guide §7.2).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "nrf52840-dk"
#define TD_CPU_HZ 64000000u
#define TD_UART0_BASE 0x40002000u
#define TD_UART0_RX_IRQ 2
/* External interrupts of the nRF52840 (Product Specification §4.2 table 4: 0 … 47). */
#define TD_IRQ_COUNT 48

#define TD_NRF52_UART_TX_PIN 6u
#define TD_NRF52_UART_RX_PIN 8u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
