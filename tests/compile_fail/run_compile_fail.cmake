# Runs one compile-fail case (a cmake -P script, one ctest test per call):
#
#   cmake -DSOURCE=<case.cpp> -DMODE=fail|ok [-DLOG=<file>] [-DMAX_LINES=<n>]
#         -P run_compile_fail.cmake -- <compiler> <flags...>
#
# MODE=fail: compiles SOURCE and passes only when the compiler exits non-zero, its FIRST error
#            line contains the text after "// expect-error: " in SOURCE (the static_assert
#            message), and the whole output has at most MAX_LINES lines (not pages of templates).
# MODE=ok:   compiles SOURCE with -DFIXNET_COMPILE_FAIL_OK (which turns the bad line into a good
#            one) and passes only when the compiler exits 0 without any diagnostic: the proof that
#            the case fails for the reason it names, not for a typo or a missing flag.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED MAX_LINES)
    set(MAX_LINES 100)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../script_args.cmake)
fixnet_require_vars(run_compile_fail.cmake SOURCE MODE)

# The compile command: every argument after "--".
fixnet_args_after_separator(command)
if(NOT command)
    message(FATAL_ERROR "run_compile_fail.cmake: no compile command after --")
endif()

get_filename_component(case_name "${SOURCE}" NAME_WE)
set(ENV{LC_ALL} C)  # plain ASCII quotes in the diagnostics, whatever the user's locale

if(MODE STREQUAL "ok")
    execute_process(COMMAND ${command} -DFIXNET_COMPILE_FAIL_OK "${SOURCE}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(DEFINED LOG)
        file(WRITE "${LOG}" "${out}")
    endif()
    if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
        message("Compiler output (exit code ${rc}):\n${out}")
        message(FATAL_ERROR "${case_name}: the positive twin (-DFIXNET_COMPILE_FAIL_OK) must compile cleanly")
    endif()
    message("${case_name}: the positive twin compiles cleanly")
    return()
elseif(NOT MODE STREQUAL "fail")
    message(FATAL_ERROR "run_compile_fail.cmake: MODE must be fail or ok, not '${MODE}'")
endif()

file(STRINGS "${SOURCE}" expect_lines REGEX "^// expect-error: ")
list(LENGTH expect_lines n_expect)
if(NOT n_expect EQUAL 1)
    message(FATAL_ERROR "${SOURCE}: needs exactly one line '// expect-error: <message>'")
endif()
string(REGEX REPLACE "^// expect-error: " "" expected "${expect_lines}")

execute_process(COMMAND ${command} "${SOURCE}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(DEFINED LOG)
    file(WRITE "${LOG}" "${out}")
endif()
string(REGEX MATCHALL "\n" newlines "${out}")
list(LENGTH newlines n_lines)
string(REGEX MATCHALL "error:" errors "${out}")
list(LENGTH errors n_errors)
string(REGEX MATCH "[^\n]*error:[^\n]*" first_error "${out}")

set(problems "")
if(rc EQUAL 0)
    string(APPEND problems "\n  - the compiler accepted the code (exit code 0)")
endif()
string(FIND "${first_error}" "${expected}" at)
if(at EQUAL -1)
    string(FIND "${out}" "${expected}" anywhere)
    if(anywhere EQUAL -1)
        string(APPEND problems "\n  - the output does not contain the expected message")
    else()
        string(APPEND problems "\n  - the expected message is there, but not in the first error")
    endif()
endif()
if(n_lines GREATER MAX_LINES)
    string(APPEND problems "\n  - ${n_lines} lines of diagnostics (at most ${MAX_LINES} allowed)")
endif()

if(problems)
    # Plain message() keeps the compiler's lines as they are (FATAL_ERROR would re-wrap them).
    message("Compiler output (${n_lines} lines, exit code ${rc}):\n${out}")
    message("${case_name}: expected a compile error whose first error says\n    ${expected}\n"
            "Problems:${problems}\nFirst error:\n    ${first_error}")
    message(FATAL_ERROR "${case_name}: not rejected as expected")
endif()
message("${case_name}: rejected as expected, ${n_lines} lines of diagnostics, ${n_errors} error(s); first error:\n"
        "    ${first_error}")
