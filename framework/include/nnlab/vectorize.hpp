#pragma once
/// NNLAB_MULTIVERSION compiles a hot element-wise loop for AVX-512, AVX2 and baseline x86-64 and
/// picks one when the plugin loads (GCC target_clones), so a plugin built for any x86-64 still runs
/// its loops at the machine's full vector width. Use it on free functions.
///
/// Not under ThreadSanitizer: GCC instruments the generated ifunc resolver with a call into
/// libtsan, and the resolver runs while the plugin is being relocated, before that call's PLT entry
/// is: dlopen jumps to an unrelocated address. The sanitized build then runs the baseline loops.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define NNLAB_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NNLAB_MULTIVERSION
#endif
