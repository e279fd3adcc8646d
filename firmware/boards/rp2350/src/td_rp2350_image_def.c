/*
 * The RP2350's minimum Arm IMAGE_DEF block (datasheet §5.9.5.1): without one in the first 4 KiB
 * of flash the bootrom does not run the image. One block, looping to itself, holding an
 * IMAGE_TYPE item: executable, Secure, Arm, RP2350. With no VECTOR_TABLE item the bootrom takes
 * the vector table at the start of the image (0x10000000: initial SP, then the reset handler).
 * The linker script (../../common/ld/td_cortex_m_sections.ld) puts `.td_image_def` right after
 * the vector table. The bootrom's own XIP set-up (a safe read mode) is kept.
 */
#include <stdint.h>

#define TD_PICOBIN_BLOCK_MARKER_START 0xFFFFDED3u
#define TD_PICOBIN_BLOCK_MARKER_END 0xAB123579u
/* Item 0x42 IMAGE_TYPE, 1 word: flags EXE (1) | Secure (2 << 4) | Arm (0 << 8) | RP2350 (1 << 12). */
#define TD_PICOBIN_IMAGE_TYPE_ITEM (0x42u | (1u << 8) | (0x1021u << 16))
/* Item 0xFF LAST (two-byte size): the items before it are 1 word. */
#define TD_PICOBIN_LAST_ITEM (0xFFu | (1u << 8))

__attribute__((section(".td_image_def"), used)) const uint32_t td_rp2350_image_def[5] = {
    TD_PICOBIN_BLOCK_MARKER_START,
    TD_PICOBIN_IMAGE_TYPE_ITEM,
    TD_PICOBIN_LAST_ITEM,
    0u, /* offset to the next block of the loop: 0, this one */
    TD_PICOBIN_BLOCK_MARKER_END,
};
