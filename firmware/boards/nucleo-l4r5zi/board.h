/*
 * TinyDeploy board nucleo-l4r5zi: ST NUCLEO-L4R5ZI (MLPerf Tiny's reference board), an
 * STM32L4R5ZI (Cortex-M4F) at 120 MHz, running the STM32L4 family code of ../stm32l4/.
 * Flash 2 MiB at 0x08000000; SRAM1+2+3 640 KiB contiguous at 0x20000000. LPUART1 at 0x40008000
 * (receive interrupt 70) on PG7 TX / PG8 RX AF8, wired to the ST-LINK's virtual COM port (UM2179).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "nucleo-l4r5zi"
#define TD_CPU_HZ 120000000u
#define TD_UART0_BASE 0x40008000u
#define TD_UART0_RX_IRQ 70
/* External interrupts of the STM32L4R5 (RM0432 table 58: 0 … 94). */
#define TD_IRQ_COUNT 95

/* MSI 4 MHz / 1 = 4 MHz VCO input, × 60 = 240 MHz, / R 2 = 120 MHz. */
#define TD_STM32L4_PLL_M 1u
#define TD_STM32L4_PLL_N 60u
#define TD_STM32L4_PLL_R 2u
/* 5 wait states at 120 MHz in range 1 boost mode (RM0432 table 12). */
#define TD_STM32L4_FLASH_LATENCY 5u
#define TD_STM32L4_BOOST 1
/* LPUART1: APB1 (kernel clock PCLK1), RCC_APB1ENR2 (offset 0x5C) bit 0, port G, PG7 TX / PG8 RX, AF8; PG2..15 on VDDIO2. */
#define TD_STM32L4_UART_LPUART 1
#define TD_STM32L4_UART_ENR 0x5Cu
#define TD_STM32L4_UART_ENABLE_BIT 0
#define TD_STM32L4_UART_APB 1
#define TD_STM32L4_UART_PORT 6
#define TD_STM32L4_UART_TX_PIN 7
#define TD_STM32L4_UART_RX_PIN 8
#define TD_STM32L4_UART_AF 8u
#define TD_STM32L4_UART_VDDIO2 1

#include "td_board_api.h"

#endif /* TD_BOARD_H */
