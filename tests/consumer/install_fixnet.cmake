# Installs fixnet from its source tree into a scratch prefix, as a user would (a cmake -P script):
#
#   cmake -DSOURCE_DIR=<fixnet source> -DBINARY_DIR=<scratch build> -DPREFIX=<scratch prefix>
#         -P install_fixnet.cmake [-- <more configure arguments>]
#
# A fresh configure of the top-level project with tests, examples and benchmarks off (Ninja),
# a build, and `cmake --install` into PREFIX; then checks that the package files are there.
cmake_minimum_required(VERSION 3.25)

include(${CMAKE_CURRENT_LIST_DIR}/../script_args.cmake)
fixnet_require_vars(install_fixnet.cmake SOURCE_DIR BINARY_DIR PREFIX)

fixnet_args_after_separator(configure_args)

file(REMOVE_RECURSE "${BINARY_DIR}" "${PREFIX}")

function(run step)
    list(JOIN ARGN " " shown)
    message("-- ${step}: ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${step} failed (${rc})")
    endif()
endfunction()

run(configure ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G Ninja
    -DFIXNET_BUILD_TESTS=OFF -DFIXNET_BUILD_EXAMPLES=OFF -DFIXNET_BUILD_BENCH=OFF -DFIXNET_DEV_CONSUMER_TESTS=OFF
    ${configure_args})
run(build ${CMAKE_COMMAND} --build "${BINARY_DIR}")
run(install ${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${PREFIX}")

foreach(file include/fixnet/fixnet.hpp include/fixnet/kernels/simd/dense.hpp
             share/cmake/fixnet/fixnetConfig.cmake share/cmake/fixnet/fixnetConfigVersion.cmake
             share/cmake/fixnet/fixnetTargets.cmake)
    if(NOT EXISTS "${PREFIX}/${file}")
        message(FATAL_ERROR "the installed tree lacks ${file}")
    endif()
endforeach()
message("fixnet installed into ${PREFIX}")
