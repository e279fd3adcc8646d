/*
 * Interrupt-driven reception on the nRF52's UARTE: the shared ring of
 * ../../common/include/td_serial_ring.h, fed by the ENDRX interrupt (one per byte, see
 * td_nrf52_board.c).
 */
#include "td_nrf52.h"
#include "td_serial_ring.h"

static void td_uart_rx_enable(void) { TD_NRF52_UARTE(TD_UART0_BASE)->intenset = TD_UARTE_INT_ENDRX; }

static int td_uart_rx_take(uint8_t *byte) { return td_nrf52_uart_take(byte); }
