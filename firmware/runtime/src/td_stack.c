/*
 * Stack high-water by painting: at start-up every word between the end of .bss (the lowest
 * address the stack can reach) and a little below the current stack pointer is set to a
 * pattern; later, the words still holding it, counted from the bottom, were never used. The
 * deepest use is the distance from the top of RAM (_estack, the initial SP) to the lowest
 * overwritten word. Interrupt handlers run on the same (main) stack, so they are included.
 */
#include "td_cortex_m.h"
#include "td_runtime.h"

#define TD_STACK_PATTERN 0xA5C3E187u
/* Words left unpainted below the SP at painting time: td_stack_paint's own frame. */
#define TD_STACK_PAINT_MARGIN_WORDS 16u

extern uint32_t _ebss, _estack;

static uint32_t *td_stack_bottom(void) {
  uintptr_t bottom = ((uintptr_t)&_ebss + 3u) & ~(uintptr_t)3u;
  return (uint32_t *)bottom;
}

void td_stack_paint(void) {
  uint32_t *end = (uint32_t *)(uintptr_t)(td_stack_pointer() & ~3u) - TD_STACK_PAINT_MARGIN_WORDS;
  for (volatile uint32_t *word = td_stack_bottom(); word < end; word++) *word = TD_STACK_PATTERN;
}

uint32_t td_stack_region_bytes(void) { return (uint32_t)((uintptr_t)&_estack - (uintptr_t)td_stack_bottom()); }

uint32_t td_stack_high_water_bytes(void) {
  const volatile uint32_t *word = td_stack_bottom();
  const uint32_t *top = &_estack;
  while (word < top && *word == TD_STACK_PATTERN) word++;
  return (uint32_t)((uintptr_t)top - (uintptr_t)word);
}
