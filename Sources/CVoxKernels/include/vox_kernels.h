#ifndef VOX_KERNELS_H
#define VOX_KERNELS_H

#include <stdint.h>

/// Dot product of two float vectors of length n (AVX2 + FMA when the CPU has them).
float vox_dot_f32(const float *a, const float *b, int n);

/// Integer dot products of one int8 query with `count` int8 rows of `stride` bytes each (the
/// first `dim` used; stride a multiple of 32 and the rows' tail zero): out[i] = q . row_i,
/// exact in int32 (AVX2 when the CPU has it).
void vox_dots_i8(const int8_t *rows, int count, int stride, const int8_t *q, int32_t *out);

/// Whether the AVX2 kernels are in use (for the benchmark's report).
int vox_kernels_avx2(void);

#endif
