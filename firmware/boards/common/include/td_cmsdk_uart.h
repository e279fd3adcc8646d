/*
 * Arm CMSDK APB UART registers (the UART of the MPS2/MPS3 FPGA images and of QEMU's mps2-*
 * and mps3-* machines). QEMU's model has a one-byte receive buffer and no FIFO: a byte
 * waits in the host's pty until the firmware has read the previous one, so nothing is lost
 * as long as the firmware keeps reading.
 */
#ifndef TD_CMSDK_UART_H
#define TD_CMSDK_UART_H

#include <stdint.h>

typedef struct {
  volatile uint32_t data;      /* 0x00: received / transmitted byte */
  volatile uint32_t state;     /* 0x04: TX full, RX full, TX overrun, RX overrun */
  volatile uint32_t control;   /* 0x08: enables */
  volatile uint32_t interrupt; /* 0x0c: read status / write 1 to clear */
  volatile uint32_t bauddiv;   /* 0x10: baud divider, at least 16 */
} td_cmsdk_uart_registers;

#define TD_CMSDK_UART(base) ((td_cmsdk_uart_registers *)(uintptr_t)(base))

#define TD_CMSDK_UART_STATE_TX_FULL (1u << 0)
#define TD_CMSDK_UART_STATE_RX_FULL (1u << 1)
#define TD_CMSDK_UART_STATE_RX_OVERRUN (1u << 3)

#define TD_CMSDK_UART_CONTROL_TX_ENABLE (1u << 0)
#define TD_CMSDK_UART_CONTROL_RX_ENABLE (1u << 1)
#define TD_CMSDK_UART_CONTROL_RX_INTERRUPT (1u << 3)

#define TD_CMSDK_UART_INTERRUPT_TX (1u << 0)
#define TD_CMSDK_UART_INTERRUPT_RX (1u << 1)

#endif /* TD_CMSDK_UART_H */
