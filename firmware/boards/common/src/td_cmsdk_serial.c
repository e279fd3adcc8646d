/*
 * Interrupt-driven reception on a CMSDK APB UART (td_port.h's td_serial_*): the shared ring of
 * td_serial_ring.h, fed by the UART's receive interrupt. QEMU's model raises that interrupt on
 * a byte's arrival only, so td_serial_ring.h's first drain after enabling takes a byte that was
 * already waiting.
 */
#include "td_cmsdk_uart.h"
#include "td_serial_ring.h"

#define TD_SERIAL_UART TD_CMSDK_UART(TD_UART0_BASE)

static void td_uart_rx_enable(void) {
  /* Bytes that arrived before now (the host's first retries) are received normally. */
  TD_SERIAL_UART->interrupt = TD_CMSDK_UART_INTERRUPT_RX;
  TD_SERIAL_UART->control |= TD_CMSDK_UART_CONTROL_TX_ENABLE | TD_CMSDK_UART_CONTROL_RX_ENABLE | TD_CMSDK_UART_CONTROL_RX_INTERRUPT;
}

static int td_uart_rx_take(uint8_t *byte) {
  /* Clear first: a byte that lands while draining raises the interrupt again. */
  TD_SERIAL_UART->interrupt = TD_CMSDK_UART_INTERRUPT_RX;
  if (TD_SERIAL_UART->state & TD_CMSDK_UART_STATE_RX_FULL) {
    *byte = (uint8_t)TD_SERIAL_UART->data;
    return 1;
  }
  if (TD_SERIAL_UART->state & TD_CMSDK_UART_STATE_RX_OVERRUN) {
    TD_SERIAL_UART->state = TD_CMSDK_UART_STATE_RX_OVERRUN; /* write 1 to clear */
    td_serial_count_overrun();
  }
  return 0;
}
