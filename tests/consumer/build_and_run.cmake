# Configures, builds and runs an outside project against fixnet (a cmake -P script):
#
#   cmake -DSOURCE_DIR=<project> -DBINARY_DIR=<scratch build> [-DEXPECT_FIXNET_DIR=<dir>]
#         -P build_and_run.cmake -- <configure arguments: compiler, flags, prefix path...>
#
# A fresh configure (Ninja) with the arguments after "--", a build that must print no warning
# (the projects compile with -Wall -Wextra), then a run of the project's `app`, which must exit 0.
# With EXPECT_FIXNET_DIR, the project must have found fixnet there (not some other install).
cmake_minimum_required(VERSION 3.25)

include(${CMAKE_CURRENT_LIST_DIR}/../script_args.cmake)
fixnet_require_vars(build_and_run.cmake SOURCE_DIR BINARY_DIR)

fixnet_args_after_separator(configure_args)

file(REMOVE_RECURSE "${BINARY_DIR}")
set(ENV{LC_ALL} C)

function(run step)
    string(TIMESTAMP start "%s")
    list(JOIN ARGN " " shown)
    message("-- ${step}: ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out ECHO_OUTPUT_VARIABLE
                    ECHO_ERROR_VARIABLE)
    string(TIMESTAMP end "%s")
    math(EXPR seconds "${end} - ${start}")
    message("-- ${step}: exit code ${rc}, about ${seconds} s")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${step} failed (${rc})")
    endif()
    set(output "${out}" PARENT_SCOPE)
endfunction()

run(configure ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G Ninja ${configure_args})
if(EXPECT_FIXNET_DIR)
    file(STRINGS "${BINARY_DIR}/CMakeCache.txt" found REGEX "^fixnet_DIR:PATH=")
    string(REGEX REPLACE "^fixnet_DIR:PATH=" "" found "${found}")
    file(REAL_PATH "${found}" found)
    file(REAL_PATH "${EXPECT_FIXNET_DIR}" expected)
    if(NOT found STREQUAL expected)
        message(FATAL_ERROR "fixnet was found in '${found}', not in '${expected}'")
    endif()
endif()

run(build ${CMAKE_COMMAND} --build "${BINARY_DIR}")
string(FIND "${output}" "warning:" warning_at)
if(NOT warning_at EQUAL -1)
    message(FATAL_ERROR "the build printed warnings (see above)")
endif()

run(run "${BINARY_DIR}/app")
