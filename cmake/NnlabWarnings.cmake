# nnlab_target_warnings(target): the house warning set, kept clean.
function(nnlab_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wnon-virtual-dtor)
  if(NNLAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
