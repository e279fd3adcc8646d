/*
 * board.h for boards whose console is a CMSDK APB UART (virtual-m7, virtual-m55; the same
 * peripheral as virtual-m4f's): polled transmit and receive, and program exit through Arm
 * semihosting for test programs run with QEMU's `-semihosting`.
 *
 * The profiler does not use td_board_read_byte: it turns on the receive interrupt
 * (td_cmsdk_serial.c), after which bytes go to its ring instead.
 */
#include "td_board_config.h"
#include "td_cmsdk_uart.h"
#include "td_semihosting.h"

#define TD_BOARD_UART TD_CMSDK_UART(TD_UART0_BASE)

void td_board_init(void) {
  /* QEMU ignores the divider; on the FPGA images it gives about 115200 baud. */
  TD_BOARD_UART->bauddiv = (uint32_t)(TD_CPU_HZ / 115200u);
  TD_BOARD_UART->control = TD_CMSDK_UART_CONTROL_TX_ENABLE | TD_CMSDK_UART_CONTROL_RX_ENABLE;
}

void td_board_write(const void *data, size_t length) {
  const uint8_t *bytes = (const uint8_t *)data;
  for (size_t i = 0; i < length; i++) {
    while (TD_BOARD_UART->state & TD_CMSDK_UART_STATE_TX_FULL) {
    }
    TD_BOARD_UART->data = bytes[i];
  }
}

uint8_t td_board_read_byte(void) {
  while (!(TD_BOARD_UART->state & TD_CMSDK_UART_STATE_RX_FULL)) {
  }
  return (uint8_t)TD_BOARD_UART->data;
}

void td_board_exit(int status) { td_semihosting_exit(status); }

/* QEMU's CMSDK UART has no rate: SET_BAUD is refused (virtual boards keep their line as it is). */
int td_board_set_baud(uint32_t baud, int apply) {
  (void)baud;
  (void)apply;
  return 0;
}
