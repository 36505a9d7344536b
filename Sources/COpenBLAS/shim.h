#pragma once
// Headers only: Voxface loads OpenBLAS at run time (dlopen) so that it can choose OpenBLAS's
// kernels before the library initialises (see VoxModel/Engine/BLAS.swift). cblas.h is on the
// default include path on Debian once libopenblas-dev is installed (an alternatives link to
// /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h).
#include <cblas.h>

typedef void (*voxblas_sgemm_fn)(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE transA,
                                 const enum CBLAS_TRANSPOSE transB, const blasint m, const blasint n,
                                 const blasint k, const float alpha, const float *a, const blasint lda,
                                 const float *b, const blasint ldb, const float beta, float *c,
                                 const blasint ldc);
typedef void (*voxblas_set_threads_fn)(int threads);
typedef char *(*voxblas_get_string_fn)(void);

static inline void voxblas_sgemm(voxblas_sgemm_fn f, const enum CBLAS_ORDER order,
                                 const enum CBLAS_TRANSPOSE transA, const enum CBLAS_TRANSPOSE transB,
                                 const blasint m, const blasint n, const blasint k, const float alpha,
                                 const float *a, const blasint lda, const float *b, const blasint ldb,
                                 const float beta, float *c, const blasint ldc) {
    f(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
