# Bare-metal Cortex-M with arm-none-eabi-gcc, picolibc and semihosting, shared by the per-core files
# (cortex-m0.cmake, cortex-m4f.cmake, cortex-m7.cmake), which set before including this one:
#   fixnet_mcu_cpu_flags   -mcpu/-mfpu/-mfloat-abi for the core
#   fixnet_mcu_machine     the qemu-system-arm board that runs its programs
#   fixnet_mcu_flash_size, fixnet_mcu_ram_size   that board's memory (flash at 0x0, RAM at 0x20000000)
#   fixnet_mcu_suite_machine (optional)  a larger board for the test suite when the core's own is too
#                          small; with fixnet_mcu_suite_flash_size and fixnet_mcu_suite_ram_size
# picolibc brings the vector table, start-up code and linker script; --crt0=semihost makes a
# return from main end qemu with main's value as its exit status (the default crt0 never exits).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)

# Appended rather than put in *_FLAGS_INIT: a preset's CMAKE_CXX_FLAGS (the warnings) would replace
# *_FLAGS_INIT, and without the core and the specs nothing links. No exceptions, no RTTI; sections
# per function and object so the linker drops what is unused. -Os comes with the MinSizeRel presets.
# CMake reads this file again for each try_compile, with the flags already appended: a second
# --specs is a fatal error, hence the guard.
set(_fixnet_mcu_common "${fixnet_mcu_cpu_flags} -ffunction-sections -fdata-sections")
if(NOT CMAKE_C_FLAGS MATCHES "picolibc.specs")
    string(APPEND CMAKE_C_FLAGS " ${_fixnet_mcu_common} --specs=picolibc.specs")
endif()
if(NOT CMAKE_CXX_FLAGS MATCHES "picolibcpp.specs")
    string(APPEND CMAKE_CXX_FLAGS " ${_fixnet_mcu_common} --specs=picolibcpp.specs -fno-exceptions -fno-rtti")
endif()
# The memory map (picolibc's default linker script puts flash at 0x10000000; these boards have it at
# 0x0) is set per program by cmake/fixnetMcu.cmake, since the test suite may run on another board.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--oslib=semihost --crt0=semihost -Wl,--gc-sections")

# Programs run under qemu-system-arm; semihosting sends their output to stdout and their exit status
# back as qemu's. CMake appends the program after -kernel, so tests cannot take arguments (qemu would
# read them). Every run is bounded: a hang ends with status 124.
set(CMAKE_CROSSCOMPILING_EMULATOR
    timeout --kill-after=5 300
    qemu-system-arm -M ${fixnet_mcu_machine} -display none -serial none -monitor none
    -chardev stdio,id=semihost -semihosting-config enable=on,target=native,chardev=semihost
    -kernel)
if(NOT fixnet_mcu_suite_machine)
    set(fixnet_mcu_suite_machine ${fixnet_mcu_machine})
    set(fixnet_mcu_suite_flash_size ${fixnet_mcu_flash_size})
    set(fixnet_mcu_suite_ram_size ${fixnet_mcu_ram_size})
endif()
set(FIXNET_MCU_MACHINE ${fixnet_mcu_machine} CACHE INTERNAL "qemu-system-arm board of this core")
set(FIXNET_MCU_MEMORY ${fixnet_mcu_flash_size} ${fixnet_mcu_ram_size} CACHE INTERNAL "its flash and RAM sizes")
set(FIXNET_MCU_SUITE_MACHINE ${fixnet_mcu_suite_machine} CACHE INTERNAL "board that runs the test suite")
set(FIXNET_MCU_SUITE_MEMORY ${fixnet_mcu_suite_flash_size} ${fixnet_mcu_suite_ram_size} CACHE INTERNAL "its flash and RAM sizes")

# Only the target's own headers and libraries: never the host's /usr/include.
set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
