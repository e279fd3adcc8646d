/*
 * RP2350 registers TinyDeploy's board support touches (RP2350 datasheet §2.2 address map, §7.5
 * resets, §8.1-8.6 clocks, XOSC, PLL, §9 GPIO and pads, §5.9 the IMAGE_DEF block), at register
 * level, no Pico SDK. The clock blocks are the ones the RP2040 has, at other base addresses
 * (../../common/include/td_rp2_clocks.h); the UART is a PL011 (../../common/include/td_pl011.h).
 */
#ifndef TD_RP2350_H
#define TD_RP2350_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_rp2_clocks.h"

#define TD_RP2350_CLOCKS_BASE 0x40010000u
#define TD_RP2350_RESETS_BASE 0x40020000u
#define TD_RP2350_IO_BANK0_BASE 0x40028000u
#define TD_RP2350_PADS_BANK0_BASE 0x40038000u
#define TD_RP2350_XOSC_BASE 0x40048000u
#define TD_RP2350_PLL_SYS_BASE 0x40050000u

/* RESETS bits. */
#define TD_RP2350_RESET_IO_BANK0 (1u << 6)
#define TD_RP2350_RESET_PADS_BANK0 (1u << 9)
#define TD_RP2350_RESET_PLL_SYS (1u << 14)
#define TD_RP2350_RESET_UART0 (1u << 26)

/* IO_BANK0 GPIOn_CTRL (FUNCSEL 2: UART) and PADS_BANK0 GPIOn (ISO, set at reset, must be cleared; IE). */
#define TD_RP2350_GPIO_CTRL(pin) TD_RP2_REG(TD_RP2350_IO_BANK0_BASE, 0x04u + 8u * (pin))
#define TD_RP2350_PAD(pin) (0x04u + 4u * (pin))
#define TD_RP2350_FUNCSEL_UART 2u
#define TD_RP2350_PAD_ISO (1u << 8)
#define TD_RP2350_PAD_IE (1u << 6)

#define TD_RP2350_XOSC_HZ 12000000u
/* The ring oscillator clk_sys runs on after the bootrom, nominally 11 MHz (it varies by part and temperature). */
#define TD_RP2350_ROSC_HZ 11000000u

typedef td_rp2_clock_state td_rp2350_clock_state; /* status: td_rp2_clock_status */

extern volatile td_rp2350_clock_state td_rp2350_clock;

void td_rp2350_clock_init(void);

#if !defined(TD_RP2350_PLL_REFDIV) || !defined(TD_RP2350_PLL_FBDIV) || !defined(TD_RP2350_PLL_POSTDIV1) || !defined(TD_RP2350_PLL_POSTDIV2)
#error "board.h gives PLL_SYS's factors (12 MHz / REFDIV × FBDIV / POSTDIV1 / POSTDIV2 = TD_CPU_HZ)"
#endif
#if (TD_RP2350_XOSC_HZ / TD_RP2350_PLL_REFDIV * TD_RP2350_PLL_FBDIV / TD_RP2350_PLL_POSTDIV1 / TD_RP2350_PLL_POSTDIV2) != TD_CPU_HZ
#error "12 MHz / TD_RP2350_PLL_REFDIV * TD_RP2350_PLL_FBDIV / TD_RP2350_PLL_POSTDIV1 / TD_RP2350_PLL_POSTDIV2 is not TD_CPU_HZ"
#endif
#if !defined(TD_RP2350_UART_TX_PIN) || !defined(TD_RP2350_UART_RX_PIN)
#error "board.h gives UART0's pins: TD_RP2350_UART_TX_PIN, TD_RP2350_UART_RX_PIN"
#endif
#ifndef TD_RP2350_BAUD
#define TD_RP2350_BAUD 115200u
#endif

#endif /* TD_RP2350_H */
