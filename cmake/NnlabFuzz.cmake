# NNLAB_FUZZ: libnnlab, the plugins and the libFuzzer targets of tests/fuzz, all built with clang's
# coverage instrumentation, AddressSanitizer and UndefinedBehaviorSanitizer. Any sanitizer report
# aborts (-fno-sanitize-recover), so the fuzzer counts it as a finding. Configure a separate build
# folder with CC=clang-14 CXX=clang++-14 (see .ci/fuzz).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "NNLAB_FUZZ needs clang (libFuzzer): configure with CXX=clang++-14")
endif()
# fuzzer-no-link: coverage counters without libFuzzer's main; only the fuzz targets link it. Line
# tables keep sanitizer stack traces readable at little compile-time cost.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
