/*
 * td_board_init for the RP2040: clocks (td_rp2040_clock.c), IO and pads out of reset, UART0's
 * pins on the UART function, UART0 out of reset at TD_RP2040_BAUD 8N1 from clk_peri. Write, read
 * and exit are ../../common/src/td_pl011_board.c. On the Pico, GP0 (TX) and GP1 (RX) go to the
 * Debug Probe's UART.
 */
#include "td_pl011.h"
#include "td_rp2040.h"

void td_board_init(void) {
  td_rp2040_clock_init();
  (void)td_rp2_unreset(TD_RP2040_RESETS_BASE, TD_RP2040_RESET_IO_BANK0 | TD_RP2040_RESET_PADS_BANK0);
  TD_RP2040_GPIO_CTRL(TD_RP2040_UART_TX_PIN) = TD_RP2040_FUNCSEL_UART;
  TD_RP2040_GPIO_CTRL(TD_RP2040_UART_RX_PIN) = TD_RP2040_FUNCSEL_UART;
  TD_RP2_SET(TD_RP2040_RESETS_BASE, TD_RESETS_RESET) = TD_RP2040_RESET_UART0;
  (void)td_rp2_unreset(TD_RP2040_RESETS_BASE, TD_RP2040_RESET_UART0);
  td_pl011_clock_hz = td_rp2040_clock.peri_hz;
  td_pl011_start(TD_PL011(TD_UART0_BASE), td_rp2040_clock.peri_hz, TD_RP2040_BAUD);
}
