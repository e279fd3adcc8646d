/*
 * The few Cortex-M core registers TinyDeploy's board support touches (ARMv7-M / ARMv8-M
 * mainline: Cortex-M3/M4/M7/M33/M55), so the firmware does not depend on a vendor's CMSIS
 * device header. Addresses are the architectural System Control Space ones, identical on
 * every core in this family.
 */
#ifndef TD_CORTEX_M_H
#define TD_CORTEX_M_H

#include <stdint.h>

/* A memory-mapped register. (The host build of the clock set-ups for their tests replaces it and the barriers.) */
#ifndef TD_REG32
#define TD_REG32(address) (*(volatile uint32_t *)(uintptr_t)(address))
#endif
#ifndef TD_DSB
#define TD_DSB() __asm__ volatile("dsb" ::: "memory")
#define TD_ISB() __asm__ volatile("isb" ::: "memory")
#endif

/* SysTick: 24-bit down counter. */
#define TD_SYST_CSR TD_REG32(0xE000E010u) /* control and status */
#define TD_SYST_RVR TD_REG32(0xE000E014u) /* reload value */
#define TD_SYST_CVR TD_REG32(0xE000E018u) /* current value (any write clears it) */
#define TD_SYST_CSR_ENABLE (1u << 0)
#define TD_SYST_CSR_TICKINT (1u << 1)
#define TD_SYST_CSR_CLKSOURCE_CPU (1u << 2)
#define TD_SYST_CSR_COUNTFLAG (1u << 16)

/* System Control Block. */
#define TD_SCB_ICSR TD_REG32(0xE000ED04u)
#define TD_SCB_ICSR_PENDSTSET (1u << 26)
#define TD_SCB_ICSR_PENDSTCLR (1u << 25)
#define TD_SCB_VTOR TD_REG32(0xE000ED08u)
#define TD_SCB_SHPR3 TD_REG32(0xE000ED20u) /* priorities of PendSV (bits 23:16) and SysTick (31:24) */
#define TD_SCB_CPACR TD_REG32(0xE000ED88u)

/* NVIC: set-enable, clear-enable and clear-pending banks of 32 interrupts each, byte-wide priorities. */
#define TD_NVIC_ISER(bank) TD_REG32(0xE000E100u + 4u * (bank))
#define TD_NVIC_ICER(bank) TD_REG32(0xE000E180u + 4u * (bank))
#define TD_NVIC_ICPR(bank) TD_REG32(0xE000E280u + 4u * (bank))
#define TD_NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))

/* Debug: DEMCR.TRCENA powers the DWT; DWT_CYCCNT counts core clock cycles (0 under QEMU). */
#define TD_DEMCR TD_REG32(0xE000EDFCu)
#define TD_DEMCR_TRCENA (1u << 24)
#define TD_DWT_CTRL TD_REG32(0xE0001000u)
#define TD_DWT_CTRL_CYCCNTENA (1u << 0)
#define TD_DWT_CYCCNT TD_REG32(0xE0001004u)
#define TD_DWT_LAR TD_REG32(0xE0001FB0u) /* lock access (Cortex-M7: write 0xC5ACCE55 to unlock) */

static inline void td_nvic_enable(uint32_t irq) {
  TD_NVIC_ICPR(irq >> 5) = 1u << (irq & 31u);
  TD_NVIC_ISER(irq >> 5) = 1u << (irq & 31u);
}

/*
 * Masks one interrupt at the NVIC; what raises it meanwhile stays pending and is taken once
 * td_nvic_unmask turns it back on (which, unlike td_nvic_enable, keeps that pending state).
 */
static inline void td_nvic_mask(uint32_t irq) {
  TD_NVIC_ICER(irq >> 5) = 1u << (irq & 31u);
  __asm__ volatile("dsb\n\tisb" ::: "memory");
}

static inline void td_nvic_unmask(uint32_t irq) { TD_NVIC_ISER(irq >> 5) = 1u << (irq & 31u); }

static inline void td_interrupts_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void td_interrupts_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }

/* Sleeps until an interrupt is pending; wakes even with PRIMASK set (the race-free idle idiom). */
static inline void td_wait_for_interrupt(void) { __asm__ volatile("dsb\n\twfi" ::: "memory"); }

static inline uint32_t td_stack_pointer(void) {
  uint32_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

#endif /* TD_CORTEX_M_H */
