/*
 * Stack high-water by painting: at start-up every word between the end of .bss (the lowest
 * address the stack can reach) and a little below the current stack pointer is set to a
 * pattern; later, the words still holding it, counted from the bottom, were never used. The
 * deepest use is the distance from the top of RAM (_estack, the initial SP) to the lowest
 * overwritten word. Interrupt handlers run on the same (main) stack, so they are included.
 *
 * A RUN that asks for the model's own figure (td_server.c) paints again below its frame first
 * (td_stack_repaint) and scans after its runs: what the server did before (frames it decoded,
 * interrupts that struck while it did) is then out of the figure. The deepest use seen before a
 * repaint is kept, so the figure since start-up never shrinks.
 */
#include "td_cortex_m.h"
#include "td_runtime.h"

#define TD_STACK_PATTERN 0xA5C3E187u
/* Words left unpainted below the SP at painting time: td_stack_paint's own frame. */
#define TD_STACK_PAINT_MARGIN_WORDS 16u

extern uint32_t _ebss, _estack;

/* The deepest use seen by the scan before the last repaint (td_stack_repaint). */
static uint32_t td_stack_deepest_before;

static uint32_t *td_stack_bottom(void) {
  uintptr_t bottom = ((uintptr_t)&_ebss + 3u) & ~(uintptr_t)3u;
  return (uint32_t *)bottom;
}

void td_stack_paint(void) {
  uint32_t *end = (uint32_t *)(uintptr_t)(td_stack_pointer() & ~3u) - TD_STACK_PAINT_MARGIN_WORDS;
  for (volatile uint32_t *word = td_stack_bottom(); word < end; word++) *word = TD_STACK_PATTERN;
}

uint32_t td_stack_region_bytes(void) { return (uint32_t)((uintptr_t)&_estack - (uintptr_t)td_stack_bottom()); }

uint32_t td_stack_painted_high_water_bytes(void) {
  const volatile uint32_t *word = td_stack_bottom();
  const uint32_t *top = &_estack;
  while (word < top && *word == TD_STACK_PATTERN) word++;
  return (uint32_t)((uintptr_t)top - (uintptr_t)word);
}

uint32_t td_stack_high_water_bytes(void) {
  uint32_t now = td_stack_painted_high_water_bytes();
  return now > td_stack_deepest_before ? now : td_stack_deepest_before;
}

void td_stack_repaint(void) {
  td_stack_deepest_before = td_stack_high_water_bytes();
  td_stack_paint();
}
