/*
 * Bare-metal start-up for running the kernel tests on QEMU's mps2-an386 (Cortex-M4F) with
 * semihosting: a vector table at address 0, a reset handler that enables the FPU, clears .bss,
 * opens newlib's semihosting console (librdimon), runs main and exits through semihosting.
 * Test-only: the boards' real start-up code lives in firmware/boards.
 */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __td_stack_top;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;

extern int main(void);
extern void initialise_monitor_handles(void);

void td_reset_handler(void);
void td_fault_handler(void);
void _init(void);
void _fini(void);

/* newlib's exit() runs the fini arrays through _fini; -nostartfiles drops the crti that has it. */
void _init(void) {}
void _fini(void) {}

__attribute__((section(".vectors"), used)) void (*const td_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&__td_stack_top,
    td_reset_handler,
    td_fault_handler, /* NMI */
    td_fault_handler, /* HardFault */
    td_fault_handler, /* MemManage */
    td_fault_handler, /* BusFault */
    td_fault_handler, /* UsageFault */
};

void td_reset_handler(void)
{
    volatile uint32_t *const cpacr = (volatile uint32_t *)0xE000ED88u;
    uint32_t *word;
    *cpacr |= 0xFu << 20; /* full access to CP10 and CP11 (the FPU) */
    __asm__ volatile("dsb\n\tisb");
    for (word = &__bss_start__; word < &__bss_end__; ++word) {
        *word = 0;
    }
    initialise_monitor_handles();
    exit(main());
}

void td_fault_handler(void)
{
    /* A fault ends the run: the host sees no "passed" summary and fails the test. */
    exit(99);
}
