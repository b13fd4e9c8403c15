# Bare-metal Cortex-M programs (presets cortex-m0, cortex-m4f, cortex-m7): the memory map of the board
# that runs them, a map file beside each program, and tests that run them under qemu-system-arm.
# The boards and their memory come from the toolchain files (cmake/toolchains/cortex-m*.cmake).

# Links `target` for the core's own board, or with SUITE for the board that runs the test suite.
function(fixnet_mcu_program target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "SUITE" "" "")
    if(arg_SUITE)
        list(GET FIXNET_MCU_SUITE_MEMORY 0 flash)
        list(GET FIXNET_MCU_SUITE_MEMORY 1 ram)
    else()
        list(GET FIXNET_MCU_MEMORY 0 flash)
        list(GET FIXNET_MCU_MEMORY 1 ram)
    endif()
    target_link_options(${target} PRIVATE
        "LINKER:--defsym=__flash=0x0,--defsym=__flash_size=${flash},--defsym=__ram=0x20000000,--defsym=__ram_size=${ram}"
        "LINKER:-Map=$<TARGET_FILE:${target}>.map")
endfunction()

# A test that runs `target` under qemu-system-arm on `machine`, bounded by `timeout` (a hang ends as
# status 124) and by ctest's TIMEOUT; semihosting passes the program's exit status back as qemu's.
function(fixnet_mcu_add_test name target machine seconds)
    add_test(NAME ${name}
             COMMAND timeout --kill-after=5 ${seconds}
                     qemu-system-arm -M ${machine} -display none -serial none -monitor none
                     -chardev stdio,id=semihost -semihosting-config enable=on,target=native,chardev=semihost
                     -kernel $<TARGET_FILE:${target}>)
    math(EXPR ctest_seconds "${seconds} + 10")
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ctest_seconds} LABELS "${machine}")
endfunction()
