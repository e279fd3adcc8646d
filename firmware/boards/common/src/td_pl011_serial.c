/*
 * Interrupt-driven reception on a PL011 (RP2040, RP2350): the shared ring of
 * ../include/td_serial_ring.h, fed by the receive and receive-timeout interrupts.
 */
#include "td_pl011.h"
#include "td_serial_ring.h"

#define TD_SERIAL_UART TD_PL011(TD_UART0_BASE)

static void td_uart_rx_enable(void) { td_pl011_rx_interrupt_on(TD_SERIAL_UART); }

static int td_uart_rx_take(uint8_t *byte) {
  int overrun;
  int taken = td_pl011_take(TD_SERIAL_UART, byte, &overrun);
  if (overrun) td_serial_count_overrun();
  return taken;
}
