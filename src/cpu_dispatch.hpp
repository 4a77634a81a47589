// Run-time CPU dispatch for convt's own kernels: GCC/clang function multiversioning
// (target_clones). The function is compiled once per listed target and the loader picks the
// best one the CPU has. Not under the sanitizers, whose run-times do not support the
// resolver functions; there the baseline build runs.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define CONVT_TARGET_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#else
#define CONVT_TARGET_CLONES(...)
#endif
