/*
 * The USART of the STM32F7, H7 and L4 families (RM0385 §31, RM0433 §48, RM0432 §50), and their
 * LPUART, which has the same registers with BRR = 256 × clock / baud: interrupt and status
 * register (ISR), clear register (ICR), separate receive and transmit data registers. (The F4's
 * older USART, SR/DR, is in stm32f4/include/td_stm32f4.h.) FIFO mode (H7, L4+) stays off, so
 * RXNE means one byte waits in RDR. Polled transmit and receive, and the two hooks the shared
 * receive ring (td_serial_ring.h) needs.
 */
#ifndef TD_STM32_USART_H
#define TD_STM32_USART_H

#include <stdint.h>

typedef struct {
  volatile uint32_t cr1, cr2, cr3, brr, gtpr, rtor, rqr, isr, icr, rdr, tdr, presc;
} td_stm32_usart_registers;
#define TD_STM32_USART(base) ((td_stm32_usart_registers *)(uintptr_t)(base))

#define TD_STM32_USART_CR1_UE (1u << 0)
#define TD_STM32_USART_CR1_RE (1u << 2)
#define TD_STM32_USART_CR1_TE (1u << 3)
#define TD_STM32_USART_CR1_RXNEIE (1u << 5)
#define TD_STM32_USART_ISR_ORE (1u << 3)
#define TD_STM32_USART_ISR_RXNE (1u << 5)
#define TD_STM32_USART_ISR_TC (1u << 6)
#define TD_STM32_USART_ISR_TXE (1u << 7)
#define TD_STM32_USART_ICR_ORECF (1u << 3)

/* BRR for `baud` from the kernel clock: clock / baud (USART, oversampling by 16) or 256 × clock / baud (LPUART), rounded. */
static inline uint32_t td_stm32_usart_brr(uint32_t clock_hz, uint32_t baud, int lpuart) {
  if (!lpuart) return (clock_hz + baud / 2u) / baud;
  /* 256 × clock overflows 32 bits above 16.7 MHz: whole part and remainder apart. */
  return (clock_hz / baud) * 256u + ((clock_hz % baud) * 256u + baud / 2u) / baud;
}

/* The USART's kernel clock and whether it is an LPUART, as the family's td_board_init set them up (for SET_BAUD). */
extern uint32_t td_stm32_usart_clock_hz;
extern int td_stm32_usart_is_lpuart;

/* 8N1, no flow control, at `brr`; transmitter and receiver on. */
static inline void td_stm32_usart_start(td_stm32_usart_registers *usart, uint32_t brr) {
  usart->cr1 = 0;
  usart->cr2 = 0;
  usart->cr3 = 0;
  usart->brr = brr;
  usart->cr1 = TD_STM32_USART_CR1_UE | TD_STM32_USART_CR1_TE | TD_STM32_USART_CR1_RE;
}

static inline void td_stm32_usart_write(td_stm32_usart_registers *usart, const uint8_t *bytes, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (!(usart->isr & TD_STM32_USART_ISR_TXE)) {
    }
    usart->tdr = bytes[i];
  }
}

static inline uint8_t td_stm32_usart_read(td_stm32_usart_registers *usart) {
  while (!(usart->isr & TD_STM32_USART_ISR_RXNE)) {
  }
  return (uint8_t)usart->rdr;
}

static inline void td_stm32_usart_rx_interrupt_on(td_stm32_usart_registers *usart) { usart->cr1 |= TD_STM32_USART_CR1_RXNEIE; }

/* 1 and the byte when RXNE (reading RDR clears it); an overrun (which also raises the interrupt) is cleared and reported in *overrun. */
static inline int td_stm32_usart_take(td_stm32_usart_registers *usart, uint8_t *byte, int *overrun) {
  uint32_t isr = usart->isr;
  *overrun = 0;
  if (isr & TD_STM32_USART_ISR_ORE) {
    usart->icr = TD_STM32_USART_ICR_ORECF;
    *overrun = 1;
  }
  if (!(isr & TD_STM32_USART_ISR_RXNE)) return 0;
  *byte = (uint8_t)usart->rdr;
  return 1;
}

#endif /* TD_STM32_USART_H */
