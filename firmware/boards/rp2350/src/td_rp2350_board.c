/*
 * td_board_init for the RP2350: clocks (td_rp2350_clock.c), IO and pads out of reset, UART0's
 * pins on the UART function with their pads' isolation removed (RP2350 pads come out of reset
 * isolated), UART0 out of reset at TD_RP2350_BAUD 8N1 from clk_peri. Write, read and exit are
 * ../../common/src/td_pl011_board.c. On the Pico 2, GP0 (TX) and GP1 (RX) go to the Debug
 * Probe's UART.
 */
#include "td_pl011.h"
#include "td_rp2350.h"

static void td_rp2350_uart_pin(uint32_t pin) {
  TD_RP2350_GPIO_CTRL(pin) = TD_RP2350_FUNCSEL_UART;
  TD_RP2_SET(TD_RP2350_PADS_BANK0_BASE, TD_RP2350_PAD(pin)) = TD_RP2350_PAD_IE;
  TD_RP2_CLR(TD_RP2350_PADS_BANK0_BASE, TD_RP2350_PAD(pin)) = TD_RP2350_PAD_ISO;
}

void td_board_init(void) {
  td_rp2350_clock_init();
  (void)td_rp2_unreset(TD_RP2350_RESETS_BASE, TD_RP2350_RESET_IO_BANK0 | TD_RP2350_RESET_PADS_BANK0);
  td_rp2350_uart_pin(TD_RP2350_UART_TX_PIN);
  td_rp2350_uart_pin(TD_RP2350_UART_RX_PIN);
  TD_RP2_SET(TD_RP2350_RESETS_BASE, TD_RESETS_RESET) = TD_RP2350_RESET_UART0;
  (void)td_rp2_unreset(TD_RP2350_RESETS_BASE, TD_RP2350_RESET_UART0);
  td_pl011_clock_hz = td_rp2350_clock.peri_hz;
  td_pl011_start(TD_PL011(TD_UART0_BASE), td_rp2350_clock.peri_hz, TD_RP2350_BAUD);
}
