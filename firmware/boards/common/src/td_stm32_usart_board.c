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

void td_board_exit(int status) { td_semihosting_exit(status); }
