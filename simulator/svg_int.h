/*
 * simulator/svg_int.h - helpers shared by the SVG writers (svg_util.c).
 */
#ifndef SIM_SVG_INT_H
#define SIM_SVG_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Create path and write the SVG prologue (viewBox 0 0 w h, white
 * background, the title as escaped text). Returns the stream or NULL.
 */
FILE *svg_open(const char *path, double w, double h, const char *title);

/* Write the epilogue and close. Returns 0, or -1 on a write error. */
int svg_close(FILE *out);

/* Bytes as "4K", "2M", "1.5G"... into buf. */
void svg_human_size(uint64_t bytes, char *buf, size_t n);

/* Axis width of a VMA of this many bytes (grows with the logarithm). */
double svg_vma_weight(uint64_t bytes);

#endif
