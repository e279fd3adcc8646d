/*
 * Reset handler and vector table shared by TinyDeploy's Cortex-M boards (ARMv7-M and
 * ARMv8-M mainline). The board's board.h says how many external interrupts the table holds
 * (TD_IRQ_COUNT) and where the UART's receive interrupt sits (TD_UART0_RX_IRQ); the linker
 * script places .isr_vector where the core fetches its reset vector and defines _sidata,
 * _sdata, _edata, _sbss, _ebss and _estack.
 *
 * Reset copies .data from flash, zeroes .bss, gives the FPU (and M-profile vector extension)
 * full access through CPACR (left out on ARMv6-M, Cortex-M0+, where that address is
 * reserved: the generic start-up also serves fit-check builds of such boards), and calls
 * main(); main returning ends the program through td_board_exit. A fault or an unexpected interrupt parks the core in a named loop, so a
 * debugger attached over GDB shows which one it was.
 */
#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"

#ifndef TD_IRQ_COUNT
#error "TD_IRQ_COUNT is not defined: the board's board.h gives the number of external interrupts"
#endif

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
TD_WEAK_HANDLER(SecureFault_Handler);
TD_WEAK_HANDLER(SVC_Handler);
TD_WEAK_HANDLER(DebugMon_Handler);
TD_WEAK_HANDLER(PendSV_Handler);
TD_WEAK_HANDLER(SysTick_Handler);
TD_WEAK_HANDLER(UART0_RX_IRQHandler);

typedef void (*td_vector)(void);

/* The range initialiser fills every external interrupt, then one entry is overridden. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
__attribute__((section(".isr_vector"), used)) const td_vector td_vector_table[16 + TD_IRQ_COUNT] = {
    [0] = (td_vector)(uintptr_t)&_estack,
    [1] = Reset_Handler,
    [2] = NMI_Handler,
    [3] = HardFault_Handler,
    [4] = MemManage_Handler,
    [5] = BusFault_Handler,
    [6] = UsageFault_Handler,
    [7] = SecureFault_Handler,
    [11] = SVC_Handler,
    [12] = DebugMon_Handler,
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
    [16 ... 16 + TD_IRQ_COUNT - 1] = Default_Handler,
    [16 + TD_UART0_RX_IRQ] = UART0_RX_IRQHandler,
};
#pragma GCC diagnostic pop

void Reset_Handler(void) {
  uint32_t *source = &_sidata;
  for (uint32_t *target = &_sdata; target < &_edata;) *target++ = *source++;
  for (uint32_t *target = &_sbss; target < &_ebss;) *target++ = 0;

#if !defined(__ARM_ARCH_6M__) && !defined(__ARM_ARCH_8M_BASE__)
  TD_SCB_CPACR |= 0xFu << 20; /* CP10, CP11: FPU and MVE (ARMv6-M and ARMv8-M baseline have no CPACR) */
#endif
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  td_board_exit(main());
}

/* Weak: the runtime may replace it with one that reports the fault to the host. */
__attribute__((weak)) void HardFault_Handler(void) {
  for (;;) {
  }
}

void Default_Handler(void) {
  for (;;) {
  }
}
