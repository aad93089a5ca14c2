# nnlab_add_plugin(<name> SOURCES <src>... [LINK <target>...] [NO_INSTALL]): one plugin .so, for
# in-tree and out-of-tree plugins alike. NO_INSTALL keeps test fixtures out of an install.
# A plugin has no "lib" prefix, hidden visibility (only the Boost.DLL entry point is exported), and is
# linked with --no-undefined so a missing symbol fails the build, not the user's run.
function(nnlab_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "SOURCES;LINK" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE nnlab::nnlab ${ARG_LINK})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT NNLAB_FUZZ)
    # Sanitized plugins leave the sanitizer runtime's symbols undefined: the fuzz target carries it.
    target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  endif()
  if(NNLAB_UNLOAD_CHECK)
    # g++ marks some statics STB_GNU_UNIQUE, and glibc then never unloads the .so, which would hide
    # a component outliving its plugin. Without them, dlclose really unmaps the code.
    target_compile_options(${name} PRIVATE -fno-gnu-unique)
  endif()
  if(COMMAND nnlab_target_warnings)
    nnlab_target_warnings(${name})
  endif()
  if(ARG_NO_INSTALL)
    return()
  endif()
  if(DEFINED NNLAB_PLUGIN_OUTPUT_DIRECTORY)  # nnlab's own build: next to libnnlab
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${NNLAB_PLUGIN_OUTPUT_DIRECTORY}")
    install(TARGETS ${name} LIBRARY DESTINATION "${NNLAB_PLUGIN_INSTALL_DIR}")
  else()  # a user's project: the .so lands in its build folder; `cmake --install` puts it in
          # <prefix>/lib/nnlab/plugins (give that folder to --plugin-path or NNLAB_PLUGIN_PATH)
    install(TARGETS ${name} LIBRARY DESTINATION lib/nnlab/plugins)
  endif()
endfunction()
