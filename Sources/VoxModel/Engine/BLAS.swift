import COpenBLAS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// OpenBLAS, loaded at run time.
///
/// Why not link it: Debian's OpenBLAS 0.3.21 picks its kernels when it loads, and on AMD Zen 4
/// (AVX-512) it picks the AVX2 "Haswell" kernels; its AVX-512 "SkylakeX" kernels run sgemm
/// about 1.6x faster there (measured 324 vs 195 GFLOP/s on this project's machine). The choice
/// can only be made through the `OPENBLAS_CORETYPE` environment variable before the library
/// initialises, so Voxface sets it when the CPU has the AVX-512 subsets those kernels use and
/// the environment does not already choose (an `OPENBLAS_CORETYPE` set by the user or the
/// machine is respected), then opens the library. `VOXFACE_BLAS_CORETYPE=<core>` overrides
/// both (e.g. `SkylakeX`, `Haswell`); `VOXFACE_BLAS_CORETYPE=auto` leaves OpenBLAS's own
/// detection alone.
enum BLAS {
    /// The loaded library's entry points, or why it could not be loaded.
    static let library: Result<Library, ModelError> = load()

    struct Library: @unchecked Sendable {
        let sgemm: voxblas_sgemm_fn
        let setThreads: voxblas_set_threads_fn
        let coreName: String
        let config: String
    }

    /// C = alpha * op(A) * op(B) + beta * C, row-major.
    @inline(__always)
    static func sgemm(
        _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        guard case .success(let blas) = library else { preconditionFailure("OpenBLAS is not loaded") }
        voxblas_sgemm(
            blas.sgemm, CblasRowMajor, transA, transB, blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b,
            blasint(ldb), beta, c, blasint(ldc))
    }

    /// Throws if OpenBLAS cannot be loaded.
    static func require() throws(ModelError) {
        if case .failure(let error) = library { throw error }
    }

    /// "OpenBLAS 0.3.21 ... (SkylakeX kernels)" for logs and benchmarks.
    static var description: String {
        switch library {
        case .success(let blas): "\(blas.config.trimmingTrailingSpace) (\(blas.coreName) kernels)"
        case .failure(let error): error.description
        }
    }

    private static func load() -> Result<Library, ModelError> {
        // VOXFACE_BLAS_CORETYPE wins; otherwise an OPENBLAS_CORETYPE already set is respected;
        // otherwise AVX-512 machines get the SkylakeX kernels.
        let choice = getenv("VOXFACE_BLAS_CORETYPE").map { String(cString: $0) } ?? ""
        if !choice.isEmpty && choice != "auto" {
            setenv("OPENBLAS_CORETYPE", choice, 1)
        } else if getenv("OPENBLAS_CORETYPE") == nil && choice != "auto" && CPUFeatures.hasAVX512ForOpenBLAS {
            setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        }
        var handle: UnsafeMutableRawPointer?
        for name in ["libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"] {
            handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
            if handle != nil { break }
        }
        guard let handle else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(.blasUnavailable("cannot load libopenblas.so.0 (install libopenblas-dev): \(reason)"))
        }
        guard let sgemm = dlsym(handle, "cblas_sgemm"), let threads = dlsym(handle, "openblas_set_num_threads") else {
            return .failure(.blasUnavailable("libopenblas has no cblas_sgemm / openblas_set_num_threads"))
        }
        let core = dlsym(handle, "openblas_get_corename").map { unsafeBitCast($0, to: voxblas_get_string_fn.self) }
        let config = dlsym(handle, "openblas_get_config").map { unsafeBitCast($0, to: voxblas_get_string_fn.self) }
        let library = Library(
            sgemm: unsafeBitCast(sgemm, to: voxblas_sgemm_fn.self),
            setThreads: unsafeBitCast(threads, to: voxblas_set_threads_fn.self),
            coreName: core.flatMap { $0() }.map { String(cString: $0) } ?? "unknown",
            config: config.flatMap { $0() }.map { String(cString: $0) } ?? "OpenBLAS")
        // The sessions split work over their own threads; OpenBLAS's threads would compete (and spin).
        library.setThreads(1)
        return .success(library)
    }
}

/// CPU feature flags from /proc/cpuinfo (Linux).
enum CPUFeatures {
    /// AVX-512 F, CD, BW, DQ and VL: what OpenBLAS's SkylakeX kernels need.
    static let hasAVX512ForOpenBLAS: Bool = {
        guard let file = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
            return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        }
        return false
    }()
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var s = self
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
