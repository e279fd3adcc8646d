/*
 * td_board_write, td_board_read_byte and td_board_exit for the STM32 families whose profiler
 * UART is a USART or LPUART with ISR/RDR/TDR (F7, H7, L4; ../include/td_stm32_usart.h), at
 * TD_UART0_BASE. td_board_init (clocks, pins, the USART's kernel clock and BRR) is the family's.
 */
#include "td_board_config.h"
#include "td_semihosting.h"
#include "td_stm32_usart.h"

void td_board_write(const void *data, size_t length) {
  td_stm32_usart_write(TD_STM32_USART(TD_UART0_BASE), (const uint8_t *)data, (uint32_t)length);
}

uint8_t td_board_read_byte(void) { return td_stm32_usart_read(TD_STM32_USART(TD_UART0_BASE)); }

uint32_t td_stm32_usart_clock_hz;
int td_stm32_usart_is_lpuart;

/*
 * BRR for `baud` within 2 %: a USART's at least 16 (16 bits), an LPUART's at least 0x300 (20 bits).
 * BRR is written with the USART disabled (UE = 0), once the transmitter is done.
 */
int td_board_set_baud(uint32_t baud, int apply) {
  td_stm32_usart_registers *usart = TD_STM32_USART(TD_UART0_BASE);
  uint32_t clock_hz = td_stm32_usart_clock_hz;
  uint32_t brr = td_stm32_usart_brr(clock_hz, baud, td_stm32_usart_is_lpuart);
  uint32_t made;
  if (td_stm32_usart_is_lpuart) {
    if (brr < 0x300u || brr > 0xFFFFFu) return 0;
    made = (uint32_t)(((uint64_t)clock_hz * 256u) / brr);
  } else {
    if (brr < 16u || brr > 0xFFFFu) return 0;
    made = clock_hz / brr;
  }
  if (!td_baud_within(made, baud)) return 0;
  if (apply) {
    while (!(usart->isr & TD_STM32_USART_ISR_TC)) {
    }
    uint32_t cr1 = usart->cr1;
    usart->cr1 = cr1 & ~TD_STM32_USART_CR1_UE;
    usart->brr = brr;
    usart->cr1 = cr1;
  }
  return 1;
}

void td_board_exit(int status) { td_semihosting_exit(status); }
