/*
 * STM32 GPIO ports, identical on the F4, F7, H7 and L4 families (only the ports' base addresses
 * and their RCC enable bits differ, which each family's header gives): the profiler's UART pins
 * put in their alternate function.
 */
#ifndef TD_STM32_GPIO_H
#define TD_STM32_GPIO_H

#include <stdint.h>

typedef struct {
  volatile uint32_t moder, otyper, ospeedr, pupdr, idr, odr, bsrr, lckr, afr[2];
} td_stm32_gpio_registers;

/* Pin `pin` of the port to alternate function `function`, very high speed, pulled up (an idle UART line reads 1). */
static inline void td_stm32_pin_alternate(td_stm32_gpio_registers *gpio, uint32_t pin, uint32_t function) {
  gpio->moder = (gpio->moder & ~(3u << (2u * pin))) | (2u << (2u * pin));
  gpio->ospeedr |= 3u << (2u * pin);
  gpio->pupdr = (gpio->pupdr & ~(3u << (2u * pin))) | (1u << (2u * pin));
  gpio->afr[pin >> 3] = (gpio->afr[pin >> 3] & ~(0xFu << (4u * (pin & 7u)))) | (function << (4u * (pin & 7u)));
}

#endif /* TD_STM32_GPIO_H */
