# `format` rewrites the tree with clang-format; `tidy` runs clang-tidy (profile: .clang-tidy) over the
# core, the CLI and the plugins, using the compile commands of this build.
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
file(GLOB_RECURSE NNLAB_TIDY_SOURCES CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/framework/*.cpp" "${PROJECT_SOURCE_DIR}/plugins/*.cpp")
file(GLOB_RECURSE NNLAB_FORMAT_SOURCES CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/framework/*.[ch]pp" "${PROJECT_SOURCE_DIR}/plugins/*.[ch]pp"
  "${PROJECT_SOURCE_DIR}/tests/*.[ch]pp")
find_program(NNLAB_CLANG_FORMAT clang-format)
find_program(NNLAB_CLANG_TIDY clang-tidy)
if(NNLAB_CLANG_FORMAT)
  add_custom_target(format COMMAND ${NNLAB_CLANG_FORMAT} -i ${NNLAB_FORMAT_SOURCES}
                    COMMENT "clang-format" VERBATIM)
endif()
if(NNLAB_CLANG_TIDY)
  add_custom_target(tidy COMMAND ${NNLAB_CLANG_TIDY} -p ${CMAKE_BINARY_DIR} --quiet ${NNLAB_TIDY_SOURCES}
                    COMMENT "clang-tidy" VERBATIM)
endif()
