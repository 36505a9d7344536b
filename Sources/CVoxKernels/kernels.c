#include "vox_kernels.h"

#include <immintrin.h>

// Our own kernels for the matchmaking index: a generic version the compiler vectorises for the
// baseline x86-64 (or any other CPU), and AVX2 versions chosen at run time.

static float dot_f32_generic(const float *a, const float *b, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static void dots_i8_generic(const int8_t *rows, int count, int stride, const int8_t *q, int32_t *out) {
    for (int r = 0; r < count; r++) {
        const int8_t *x = rows + (long)r * stride;
        int32_t s = 0;
        for (int i = 0; i < stride; i++) s += (int32_t)x[i] * (int32_t)q[i];
        out[r] = s;
    }
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static float dot_f32_avx2(const float *a, const float *b, int n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    __m256 acc = _mm256_add_ps(acc0, acc1);
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    float s = _mm_cvtss_f32(lo);
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

__attribute__((target("avx2"))) static void dots_i8_avx2(const int8_t *rows, int count, int stride, const int8_t *q, int32_t *out) {
    // The query widened to int16 once: stride / 16 registers of 16 lanes.
    __m256i qv[64];
    int blocks = stride / 16;
    if (blocks > 64) {
        dots_i8_generic(rows, count, stride, q, out);
        return;
    }
    for (int b = 0; b < blocks; b++) qv[b] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(q + 16 * b)));
    for (int r = 0; r < count; r++) {
        const int8_t *x = rows + (long)r * stride;
        __m256i acc = _mm256_setzero_si256();
        for (int b = 0; b < blocks; b++) {
            __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + 16 * b)));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xv, qv[b]));
        }
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
        out[r] = _mm_cvtsi128_si32(s);
    }
}

static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#else
static int has_avx2(void) { return 0; }
#endif

float vox_dot_f32(const float *a, const float *b, int n) {
#if defined(__x86_64__) || defined(__i386__)
    if (has_avx2()) return dot_f32_avx2(a, b, n);
#endif
    return dot_f32_generic(a, b, n);
}

void vox_dots_i8(const int8_t *rows, int count, int stride, const int8_t *q, int32_t *out) {
#if defined(__x86_64__) || defined(__i386__)
    if (has_avx2()) {
        dots_i8_avx2(rows, count, stride, q, out);
        return;
    }
#endif
    dots_i8_generic(rows, count, stride, q, out);
}

int vox_kernels_avx2(void) { return has_avx2(); }
