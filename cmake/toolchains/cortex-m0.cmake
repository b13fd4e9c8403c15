# Cortex-M0 (ARMv6-M): no FPU, float and double in software; runs on qemu's microbit (nRF51:
# 256 KB flash, 16 KB RAM). The doctest suite (~280 KB of code with doctest's runner) does not fit
# there: it runs on mps2-an385 (4 MB + 4 MB), whose Cortex-M3 executes the same ARMv6-M code,
# built for the M0 (qemu's mps2 boards take no -cpu).
set(fixnet_mcu_cpu_flags "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft")
set(fixnet_mcu_machine microbit)
set(fixnet_mcu_flash_size 0x40000)
set(fixnet_mcu_ram_size 0x4000)
set(fixnet_mcu_suite_machine mps2-an385)
set(fixnet_mcu_suite_flash_size 0x400000)
set(fixnet_mcu_suite_ram_size 0x400000)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m.cmake)
