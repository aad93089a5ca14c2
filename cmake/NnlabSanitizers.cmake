# NNLAB_SANITIZE: "" (default), "address,undefined" or "thread". Every target of this build gets
# the same -fsanitize flags: libnnlab, the CLI, the tests and every plugin and test fixture, because
# plugins are loaded into the sanitized host with Boost.DLL and must be instrumented like it (a
# half-instrumented process misses reports, and TSan misreads the uninstrumented half). Used by
# .ci/sanitize with its own build folders (build-asan, build-tsan).
set(NNLAB_SANITIZE "" CACHE STRING "Sanitizers for every nnlab target: empty, address,undefined or thread")
set_property(CACHE NNLAB_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")
if(NNLAB_SANITIZE)
  if(NOT NNLAB_SANITIZE MATCHES "^(address|undefined|address,undefined|undefined,address|thread)$")
    message(FATAL_ERROR "NNLAB_SANITIZE=${NNLAB_SANITIZE}: expected address,undefined or thread")
  endif()
  # Frame pointers for usable stacks; no recovery, so the first report ends the process with the
  # sanitizer's exit code and fails the test (a report that only prints would pass).
  set(nnlab_sanitize_flags -fsanitize=${NNLAB_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${nnlab_sanitize_flags})
  add_link_options(${nnlab_sanitize_flags})
endif()
