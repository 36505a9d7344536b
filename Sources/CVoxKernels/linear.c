#include "vox_kernels.h"

#include <immintrin.h>

// y[rows x n] += x[rows x k] * w[k x n], all row-major, for the face model's small layers (a
// window of 32-128 rows, k and n of 64-1024). OpenBLAS spends much of such a call packing its
// operands; here w is stored once at load time in the layout the loop reads (k-major, n
// contiguous), x is read in place, and each block of rows x columns stays in registers for the
// whole k loop. The sum for each output runs over k in order, one fused multiply-add at a time.

static void linear_generic(const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k) {
    for (int r = 0; r < rows; r++) {
        float *out = y + (long)r * ldy;
        const float *in = x + (long)r * ldx;
        for (int p = 0; p < k; p++) {
            const float a = in[p];
            const float *row = w + (long)p * ldw;
            for (int j = 0; j < n; j++) out[j] += a * row[j];
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)

// AVX-512: blocks of R rows x V vectors of 16 columns; `mask` limits the last vector's lanes.
#define AVX512_BLOCK(R, V)                                                                                        \
    __attribute__((target("avx512f"), always_inline)) static inline void block512_##R##x##V(                   \
        const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int k, __mmask16 mask) {          \
        __m512 c[R][V];                                                                                         \
        for (int i = 0; i < R; i++)                                                                             \
            for (int v = 0; v < V; v++)                                                                         \
                c[i][v] = _mm512_maskz_loadu_ps(v == V - 1 ? mask : 0xFFFF, y + (long)i * ldy + 16 * v);        \
        for (int p = 0; p < k; p++) {                                                                           \
            const float *row = w + (long)p * ldw;                                                               \
            __m512 b[V];                                                                                        \
            for (int v = 0; v < V; v++) b[v] = _mm512_maskz_loadu_ps(v == V - 1 ? mask : 0xFFFF, row + 16 * v); \
            for (int i = 0; i < R; i++) {                                                                       \
                __m512 a = _mm512_set1_ps(x[(long)i * ldx + p]);                                                \
                for (int v = 0; v < V; v++) c[i][v] = _mm512_fmadd_ps(a, b[v], c[i][v]);                        \
            }                                                                                                   \
        }                                                                                                       \
        for (int i = 0; i < R; i++)                                                                             \
            for (int v = 0; v < V; v++)                                                                         \
                _mm512_mask_storeu_ps(y + (long)i * ldy + 16 * v, v == V - 1 ? mask : 0xFFFF, c[i][v]);         \
    }

AVX512_BLOCK(4, 4)
AVX512_BLOCK(1, 4)
AVX512_BLOCK(4, 3)
AVX512_BLOCK(1, 3)
AVX512_BLOCK(4, 2)
AVX512_BLOCK(1, 2)
AVX512_BLOCK(4, 1)
AVX512_BLOCK(1, 1)

// The columns left after the 64-wide blocks (1 to 63), as one block of V = 1 to 4 vectors.
#define AVX512_TAIL(V)                                                                                            \
    do {                                                                                                          \
        int r = 0;                                                                                                \
        for (; r + 4 <= rows; r += 4)                                                                             \
            block512_4x##V(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, mask);            \
        for (; r < rows; r++) block512_1x##V(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, mask); \
    } while (0)

__attribute__((target("avx512f"))) static void linear_avx512(
    const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k) {
    int j = 0;
    for (; j + 64 <= n; j += 64) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) block512_4x4(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, 0xFFFF);
        for (; r < rows; r++) block512_1x4(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, 0xFFFF);
    }
    if (j == n) return;
    int left = n - j;
    int vectors = (left + 15) / 16;
    int last = left - 16 * (vectors - 1);
    __mmask16 mask = last == 16 ? 0xFFFF : (__mmask16)((1u << last) - 1);
    switch (vectors) {
    case 4: AVX512_TAIL(4); break;
    case 3: AVX512_TAIL(3); break;
    case 2: AVX512_TAIL(2); break;
    default: AVX512_TAIL(1); break;
    }
}

// AVX2 + FMA: blocks of R rows x V vectors of 8 columns (4 x 2 measured best: 4 x 3 needs more
// than the 16 registers and spills). Masked loads and stores are slow on
// some CPUs, so only the T variants (a last vector of `live` < 8 lanes) use them.
#define AVX2_LOAD(p, v, V, T, mask) ((T) && (v) == (V) - 1 ? _mm256_maskload_ps((p), (mask)) : _mm256_loadu_ps(p))
#define AVX2_BLOCK(R, V, T)                                                                                       \
    __attribute__((target("avx2,fma"), always_inline)) static inline void block256_##R##x##V##T(                \
        const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int k, __m256i mask) {            \
        __m256 c[R][V];                                                                                         \
        for (int i = 0; i < R; i++)                                                                             \
            for (int v = 0; v < V; v++) c[i][v] = AVX2_LOAD(y + (long)i * ldy + 8 * v, v, V, T, mask);         \
        for (int p = 0; p < k; p++) {                                                                           \
            const float *row = w + (long)p * ldw;                                                               \
            __m256 b[V];                                                                                        \
            for (int v = 0; v < V; v++) b[v] = AVX2_LOAD(row + 8 * v, v, V, T, mask);                           \
            for (int i = 0; i < R; i++) {                                                                       \
                __m256 a = _mm256_broadcast_ss(x + (long)i * ldx + p);                                          \
                for (int v = 0; v < V; v++) c[i][v] = _mm256_fmadd_ps(a, b[v], c[i][v]);                        \
            }                                                                                                   \
        }                                                                                                       \
        for (int i = 0; i < R; i++)                                                                             \
            for (int v = 0; v < V; v++) {                                                                       \
                if ((T) && v == V - 1) _mm256_maskstore_ps(y + (long)i * ldy + 8 * v, mask, c[i][v]);          \
                else _mm256_storeu_ps(y + (long)i * ldy + 8 * v, c[i][v]);                                      \
            }                                                                                                   \
    }

AVX2_BLOCK(4, 2, 0)
AVX2_BLOCK(1, 2, 0)
AVX2_BLOCK(4, 1, 0)
AVX2_BLOCK(1, 1, 0)
AVX2_BLOCK(4, 1, 1)
AVX2_BLOCK(1, 1, 1)

__attribute__((target("avx2,fma"))) static void linear_avx2(
    const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k) {
    const __m256i all = _mm256_set1_epi32(-1);
    int j = 0;
    for (; j + 16 <= n; j += 16) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) block256_4x20(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, all);
        for (; r < rows; r++) block256_1x20(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, all);
    }
    for (; j + 8 <= n; j += 8) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) block256_4x10(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, all);
        for (; r < rows; r++) block256_1x10(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, all);
    }
    if (j < n) {
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - j), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        int r = 0;
        for (; r + 4 <= rows; r += 4) block256_4x11(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, mask);
        for (; r < rows; r++) block256_1x11(x + (long)r * ldx, ldx, w + j, ldw, y + (long)r * ldy + j, ldy, k, mask);
    }
}

static int linear_isa(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f")) cached = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) cached = 1;
        else cached = 0;
    }
    return cached;
}
#else
static int linear_isa(void) { return 0; }
#endif

void vox_linear_f32_isa(
    int isa, const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k) {
    if (rows <= 0 || n <= 0 || k <= 0) return;
    if (isa > linear_isa()) isa = linear_isa();
#if defined(__x86_64__) || defined(__i386__)
    switch (isa) {
    case 2: linear_avx512(x, ldx, w, ldw, y, ldy, rows, n, k); return;
    case 1: linear_avx2(x, ldx, w, ldw, y, ldy, rows, n, k); return;
    default: break;
    }
#endif
    linear_generic(x, ldx, w, ldw, y, ldy, rows, n, k);
}

void vox_linear_f32(const float *x, int ldx, const float *w, int ldw, float *y, int ldy, int rows, int n, int k) {
    vox_linear_f32_isa(linear_isa(), x, ldx, w, ldw, y, ldy, rows, n, k);
}

int vox_linear_isa(void) { return linear_isa(); }
