# Helpers shared by the test scripts run with `cmake -D... -P script.cmake -- args...`.

# Sets <out_var> to the list of every argument after "--" on the cmake command line.
macro(fixnet_args_after_separator out_var)
    set(${out_var} "")
    set(_fixnet_after_separator OFF)
    math(EXPR _fixnet_last_arg "${CMAKE_ARGC} - 1")
    foreach(_fixnet_i RANGE ${_fixnet_last_arg})
        if(_fixnet_after_separator)
            list(APPEND ${out_var} "${CMAKE_ARGV${_fixnet_i}}")
        elseif(CMAKE_ARGV${_fixnet_i} STREQUAL "--")
            set(_fixnet_after_separator ON)
        endif()
    endforeach()
endmacro()

# Fails unless every named variable was given with -D<name>=...
macro(fixnet_require_vars script)
    foreach(_fixnet_var ${ARGN})
        if(NOT DEFINED ${_fixnet_var} OR "${${_fixnet_var}}" STREQUAL "")
            message(FATAL_ERROR "${script}: -D${_fixnet_var}=... is required")
        endif()
    endforeach()
endmacro()
