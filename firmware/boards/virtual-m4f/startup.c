/*
 * Reset and vector table of the virtual-m4f board (Cortex-M4F on QEMU mps2-an386): copies
 * .data from flash, zeroes .bss, turns on the FPU (CP10/CP11 full access) and calls main().
 * Faults and unused interrupts stop in a named loop, so a debugger shows where it ended.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);

#define TD_WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")))
TD_WEAK_HANDLER(NMI_Handler);
TD_WEAK_HANDLER(MemManage_Handler);
TD_WEAK_HANDLER(BusFault_Handler);
TD_WEAK_HANDLER(UsageFault_Handler);
TD_WEAK_HANDLER(SVC_Handler);
TD_WEAK_HANDLER(DebugMon_Handler);
TD_WEAK_HANDLER(PendSV_Handler);
TD_WEAK_HANDLER(SysTick_Handler);
TD_WEAK_HANDLER(UART0_RX_IRQHandler);
TD_WEAK_HANDLER(UART0_TX_IRQHandler);

#define TD_IRQ_COUNT 32

typedef void (*td_vector_t)(void);

__attribute__((section(".isr_vector"), used)) const td_vector_t td_vector_table[16 + TD_IRQ_COUNT] = {
    (td_vector_t)(uintptr_t)&_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    /* External interrupts of mps2-an386: 0 UART0 RX, 1 UART0 TX, the rest unused here. */
    UART0_RX_IRQHandler,
    UART0_TX_IRQHandler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};

#define TD_SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

void Reset_Handler(void) {
  uint32_t *source = &_sidata;
  for (uint32_t *target = &_sdata; target < &_edata;) *target++ = *source++;
  for (uint32_t *target = &_sbss; target < &_ebss;) *target++ = 0;

  TD_SCB_CPACR |= (0xFu << 20); /* CP10, CP11: full access to the FPU */
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  int status = main();
  td_board_exit(status);
}

void HardFault_Handler(void) {
  for (;;) {
  }
}

void Default_Handler(void) {
  for (;;) {
  }
}
