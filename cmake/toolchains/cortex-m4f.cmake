# Cortex-M4F: single-precision FPU (FPv4-SP-D16), hard float ABI; runs on qemu's mps2-an386 (4 MB + 4 MB).
set(fixnet_mcu_cpu_flags "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
set(fixnet_mcu_machine mps2-an386)
set(fixnet_mcu_flash_size 0x400000)
set(fixnet_mcu_ram_size 0x400000)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m.cmake)
