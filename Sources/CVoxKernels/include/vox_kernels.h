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

/// y[rows x n] += x[rows x k] * w[k x n] (row-major, leading dimensions ldx, ldw, ldy), each
/// output summed over k in order with fused multiply-adds; AVX-512 or AVX2 + FMA when the CPU has
/// them. For the face model's layers, with w stored k-major once at load time.
void vox_linear_f32(const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k);

/// Which vox_linear_f32 path runs: 2 AVX-512, 1 AVX2 + FMA, 0 portable C.
int vox_linear_isa(void);

/// vox_linear_f32 through the path `isa` (lowered to what the CPU has), for tests.
void vox_linear_f32_isa(
    int isa, const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k);

/// Softmax of each of `rows` rows of `width` floats, in place: e^(x - max) through a degree-7
/// polynomial (relative error about 2e-7; 0 below -87), then divided by the row's sum. AVX-512
/// when the CPU has it, else portable C.
void vox_softmax_rows(float *m, int rows, int width);

/// Which vox_softmax_rows path runs: 2 AVX-512, 0 portable C (slower than the model's Swift
/// fallback, which VoxModel uses then).
int vox_softmax_isa(void);

/// vox_softmax_rows through path `isa` (2 AVX-512, else portable C; lowered to what the CPU has), for tests.
void vox_softmax_rows_isa(int isa, float *m, int rows, int width);

#endif
