#include "vox_kernels.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

// Row softmax for the face model's attention (rows of 32-128 scores) and the sentence encoder.
// e^x as 2^k * e^r with |r| <= ln2/2 and a degree-7 polynomial (relative error about 2e-7), 0 below
// -87; the same rule as Kernels.fastExp in Swift, here on whole AVX-512 registers with the
// row's tail masked, so a 32-wide row is two (or four) vector passes with no scalar loop.

static float exp_scalar(float x) {
    if (x < -87.0f) return 0.0f;
    float shifted = x * 1.44269504f + 12582912.0f;
    float k = shifted - 12582912.0f;
    float r = x - k * 0.69314575f - k * 1.4286068e-6f;
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    int32_t bits;
    memcpy(&bits, &shifted, 4);
    int32_t scaleBits = ((bits - 0x4B400000) + 127) << 23;
    float scale;
    memcpy(&scale, &scaleBits, 4);
    return p * scale;
}

static void softmax_generic(float *m, int rows, int width) {
    for (int r = 0; r < rows; r++) {
        float *row = m + (long)r * width;
        float top = row[0];
        for (int i = 1; i < width; i++) top = row[i] > top ? row[i] : top;
        float sum = 0;
        for (int i = 0; i < width; i++) {
            row[i] = exp_scalar(row[i] - top);
            sum += row[i];
        }
        float inverse = 1 / sum;
        for (int i = 0; i < width; i++) row[i] *= inverse;
    }
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx512f"), always_inline)) static inline __m512 exp512(__m512 x) {
    __mmask16 under = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_LT_OQ);
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), _mm512_set1_ps(12582912.0f));
    __m512 k = _mm512_sub_ps(shifted, _mm512_set1_ps(12582912.0f));
    __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.69314575f), x);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.4286068e-6f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127)), 23));
    return _mm512_maskz_mul_ps((__mmask16)~under, p, scale);
}

__attribute__((target("avx512f"))) static void softmax_avx512(float *m, int rows, int width) {
    int vectors = (width + 15) / 16;
    __mmask16 lastMask = (width % 16) ? (__mmask16)((1u << (width % 16)) - 1) : 0xFFFF;
    for (int r = 0; r < rows; r++) {
        float *row = m + (long)r * width;
        __m512 top = _mm512_set1_ps(-__builtin_inff());
        for (int v = 0; v < vectors; v++) {
            __mmask16 mask = v == vectors - 1 ? lastMask : 0xFFFF;
            top = _mm512_mask_max_ps(top, mask, top, _mm512_maskz_loadu_ps(mask, row + 16 * v));
        }
        __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(top));
        __m512 sums = _mm512_setzero_ps();
        for (int v = 0; v < vectors; v++) {
            __mmask16 mask = v == vectors - 1 ? lastMask : 0xFFFF;
            __m512 e = exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, row + 16 * v), shift));
            e = _mm512_maskz_mov_ps(mask, e);
            _mm512_mask_storeu_ps(row + 16 * v, mask, e);
            sums = _mm512_add_ps(sums, e);
        }
        __m512 inverse = _mm512_set1_ps(1 / _mm512_reduce_add_ps(sums));
        for (int v = 0; v < vectors; v++) {
            __mmask16 mask = v == vectors - 1 ? lastMask : 0xFFFF;
            _mm512_mask_storeu_ps(row + 16 * v, mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, row + 16 * v), inverse));
        }
    }
}

static int softmax_isa(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") ? 2 : 0;
    }
    return cached;
}
#else
static int softmax_isa(void) { return 0; }
#endif

void vox_softmax_rows_isa(int isa, float *m, int rows, int width) {
    if (rows <= 0 || width <= 0) return;
    if (isa > softmax_isa()) isa = softmax_isa();
#if defined(__x86_64__) || defined(__i386__)
    if (isa == 2) {
        softmax_avx512(m, rows, width);
        return;
    }
#endif
    softmax_generic(m, rows, width);
}

int vox_softmax_isa(void) { return softmax_isa(); }

void vox_softmax_rows(float *m, int rows, int width) { vox_softmax_rows_isa(softmax_isa(), m, rows, width); }
