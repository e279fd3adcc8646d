/*
 * The UART divisors the drivers compute (board-clocks.process.test.ts), on the host: for each
 * argument CLOCK_HZ, the STM32 USART BRR, the STM32 LPUART BRR and the PL011 IBRD/FBRD at 115200 baud.
 * The PL011's registers are a plain struct here; the driver writes them as on the chip.
 */
#include <stdio.h>
#include <stdlib.h>

#include "td_pl011.h"
#include "td_stm32_usart.h"

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    uint32_t clock_hz = (uint32_t)strtoul(argv[i], NULL, 10);
    td_pl011_registers pl011 = {0};
    td_pl011_start(&pl011, clock_hz, 115200u);
    printf("%lu %lu %lu %lu %lu\n", (unsigned long)clock_hz, (unsigned long)td_stm32_usart_brr(clock_hz, 115200u, 0),
           (unsigned long)td_stm32_usart_brr(clock_hz, 115200u, 1), (unsigned long)pl011.ibrd, (unsigned long)pl011.fbrd);
  }
  return 0;
}
