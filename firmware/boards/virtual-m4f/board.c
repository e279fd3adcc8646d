/*
 * virtual-m4f board support: CMSDK APB UART0 (polled) and program exit through Arm semihosting.
 */
#include "board.h"

#define TD_UART0_BASE 0x40004000u

typedef struct {
  volatile uint32_t data;      /* 0x00: received / transmitted byte */
  volatile uint32_t state;     /* 0x04: bit 0 TX buffer full, bit 1 RX buffer full */
  volatile uint32_t control;   /* 0x08: bit 0 TX enable, bit 1 RX enable */
  volatile uint32_t interrupt; /* 0x0c: interrupt status / clear */
  volatile uint32_t bauddiv;   /* 0x10: baud rate divider (at least 16) */
} td_cmsdk_uart_t;

#define TD_UART0 ((td_cmsdk_uart_t *)TD_UART0_BASE)
#define TD_UART_STATE_TX_FULL 0x1u
#define TD_UART_STATE_RX_FULL 0x2u
#define TD_UART_CONTROL_TX_ENABLE 0x1u
#define TD_UART_CONTROL_RX_ENABLE 0x2u

void td_board_init(void) {
  /* QEMU ignores the divider; 25 MHz / 217 ≈ 115200 baud on the real MPS2 FPGA image. */
  TD_UART0->bauddiv = 217u;
  TD_UART0->control = TD_UART_CONTROL_TX_ENABLE | TD_UART_CONTROL_RX_ENABLE;
}

void td_board_write(const void *data, size_t length) {
  const uint8_t *bytes = (const uint8_t *)data;
  for (size_t i = 0; i < length; i++) {
    while (TD_UART0->state & TD_UART_STATE_TX_FULL) {
    }
    TD_UART0->data = bytes[i];
  }
}

uint8_t td_board_read_byte(void) {
  while (!(TD_UART0->state & TD_UART_STATE_RX_FULL)) {
  }
  return (uint8_t)TD_UART0->data;
}

/* Arm semihosting SYS_EXIT_EXTENDED (0x20): { reason ADP_Stopped_ApplicationExit, status }. */
void td_board_exit(int status) {
  volatile uint32_t block[2] = {0x20026u, (uint32_t)status};
  register uint32_t operation __asm__("r0") = 0x20u;
  register volatile uint32_t *argument __asm__("r1") = block;
  __asm__ volatile("bkpt 0xab" : "+r"(operation) : "r"(argument) : "memory");
  __asm__ volatile("cpsid i");
  for (;;) {
    __asm__ volatile("wfi");
  }
}
