/*
 * RP2040 registers TinyDeploy's board support touches (RP2040 datasheet §2.2 address map, §2.14
 * resets, §2.15-2.18 clocks, XOSC, PLL, §2.19 GPIO), at register level, no Pico SDK. The clock
 * blocks are the ones the RP2350 shares (../../common/include/td_rp2_clocks.h); the UART is a
 * PL011 (../../common/include/td_pl011.h). board.h gives the PLL factors and the UART's pins.
 */
#ifndef TD_RP2040_H
#define TD_RP2040_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_rp2_clocks.h"

#define TD_RP2040_CLOCKS_BASE 0x40008000u
#define TD_RP2040_RESETS_BASE 0x4000C000u
#define TD_RP2040_IO_BANK0_BASE 0x40014000u
#define TD_RP2040_PADS_BANK0_BASE 0x4001C000u
#define TD_RP2040_XOSC_BASE 0x40024000u
#define TD_RP2040_PLL_SYS_BASE 0x40028000u

/* RESETS bits. */
#define TD_RP2040_RESET_IO_BANK0 (1u << 5)
#define TD_RP2040_RESET_PADS_BANK0 (1u << 8)
#define TD_RP2040_RESET_PLL_SYS (1u << 12)
#define TD_RP2040_RESET_UART0 (1u << 22)

/* IO_BANK0 GPIOn_CTRL (FUNCSEL 2: UART). */
#define TD_RP2040_GPIO_CTRL(pin) TD_RP2_REG(TD_RP2040_IO_BANK0_BASE, 0x04u + 8u * (pin))
#define TD_RP2040_FUNCSEL_UART 2u

#define TD_RP2040_XOSC_HZ 12000000u
/* The ring oscillator clk_sys runs on after the bootrom, nominally 6.5 MHz (it varies by part and temperature). */
#define TD_RP2040_ROSC_HZ 6500000u

typedef td_rp2_clock_state td_rp2040_clock_state; /* status: td_rp2_clock_status */

extern volatile td_rp2040_clock_state td_rp2040_clock;

void td_rp2040_clock_init(void);

#if !defined(TD_RP2040_PLL_REFDIV) || !defined(TD_RP2040_PLL_FBDIV) || !defined(TD_RP2040_PLL_POSTDIV1) || !defined(TD_RP2040_PLL_POSTDIV2)
#error "board.h gives PLL_SYS's factors (12 MHz / REFDIV × FBDIV / POSTDIV1 / POSTDIV2 = TD_CPU_HZ)"
#endif
#if (TD_RP2040_XOSC_HZ / TD_RP2040_PLL_REFDIV * TD_RP2040_PLL_FBDIV / TD_RP2040_PLL_POSTDIV1 / TD_RP2040_PLL_POSTDIV2) != TD_CPU_HZ
#error "12 MHz / TD_RP2040_PLL_REFDIV * TD_RP2040_PLL_FBDIV / TD_RP2040_PLL_POSTDIV1 / TD_RP2040_PLL_POSTDIV2 is not TD_CPU_HZ"
#endif
#if !defined(TD_RP2040_UART_TX_PIN) || !defined(TD_RP2040_UART_RX_PIN)
#error "board.h gives UART0's pins: TD_RP2040_UART_TX_PIN, TD_RP2040_UART_RX_PIN"
#endif
#ifndef TD_RP2040_BAUD
#define TD_RP2040_BAUD 115200u
#endif

#endif /* TD_RP2040_H */
