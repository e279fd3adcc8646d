/*
 * td_board_api.h for the STM32F4 family: clocks (td_stm32f4_clock.c), the profiler USART's pins
 * in their alternate function, the USART at TD_STM32F4_BAUD 8N1 from the clock its bus really
 * got, polled transmit and receive, and semihosting exit. Which USART and pins is board.h's
 * choice: USART2 on PA2/PA3 (the ST-LINK's virtual COM port) on NUCLEO-F446RE, USART1 on
 * PA9/PA10 on netduinoplus2 (the USART QEMU connects to its first -serial).
 */
#include "td_semihosting.h"
#include "td_stm32f4.h"

#define TD_BOARD_USART TD_STM32F4_USART(TD_UART0_BASE)
/* USART SR: transmission complete (RM0090 §30.6.1). */
#define TD_USART_SR_TC_BIT (1u << 6)

/* The clock the USART's bus got, for SET_BAUD. */
static uint32_t td_board_uart_hz;

void td_board_init(void) {
  td_stm32f4_clock_init();

  TD_RCC_AHB1ENR |= 1u << (TD_STM32F4_UART_PORT);
#if TD_STM32F4_UART_APB == 1
  TD_RCC_APB1ENR |= 1u << (TD_STM32F4_UART_ENABLE_BIT);
  uint32_t bus_hz = td_stm32f4_clock.apb1_hz;
#else
  TD_RCC_APB2ENR |= 1u << (TD_STM32F4_UART_ENABLE_BIT);
  uint32_t bus_hz = td_stm32f4_clock.apb2_hz;
#endif
  (void)TD_RCC_AHB1ENR;
  td_board_uart_hz = bus_hz;
  td_stm32_gpio_registers *gpio = TD_STM32F4_GPIO(TD_STM32F4_UART_PORT);
  td_stm32_pin_alternate(gpio, TD_STM32F4_UART_TX_PIN, TD_STM32F4_UART_AF);
  td_stm32_pin_alternate(gpio, TD_STM32F4_UART_RX_PIN, TD_STM32F4_UART_AF);

  TD_BOARD_USART->cr1 = 0;
  TD_BOARD_USART->cr2 = 0; /* 1 stop bit */
  TD_BOARD_USART->cr3 = 0; /* no flow control */
  /* Oversampling by 16: BRR = mantissa << 4 | fraction = bus clock / baud, rounded. */
  TD_BOARD_USART->brr = (bus_hz + TD_STM32F4_BAUD / 2u) / TD_STM32F4_BAUD;
  TD_BOARD_USART->cr1 = TD_USART_CR1_UE | TD_USART_CR1_TE | TD_USART_CR1_RE;
}

void td_board_write(const void *data, size_t length) {
  const uint8_t *bytes = (const uint8_t *)data;
  for (size_t i = 0; i < length; i++) {
    while (!(TD_BOARD_USART->sr & TD_USART_SR_TXE)) {
    }
    TD_BOARD_USART->dr = bytes[i];
  }
}

uint8_t td_board_read_byte(void) {
  while (!(TD_BOARD_USART->sr & TD_USART_SR_RXNE)) {
  }
  return (uint8_t)TD_BOARD_USART->dr;
}

/* Oversampling by 16: BRR = bus clock / baud, at least 16 (USARTDIV 1.0), 16 bits. */
int td_board_set_baud(uint32_t baud, int apply) {
  uint32_t brr = (td_board_uart_hz + baud / 2u) / baud;
  if (brr < 16u || brr > 0xFFFFu || !td_baud_within(td_board_uart_hz / brr, baud)) return 0;
  if (apply) {
    while (!(TD_BOARD_USART->sr & TD_USART_SR_TC_BIT)) {
    }
    TD_BOARD_USART->brr = brr;
  }
  return 1;
}

void td_board_exit(int status) { td_semihosting_exit(status); }
