# Cortex-M7: double-precision FPU (FPv5-D16), hard float ABI; runs on qemu's mps2-an500 (4 MB + 4 MB).
set(fixnet_mcu_cpu_flags "-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard")
set(fixnet_mcu_machine mps2-an500)
set(fixnet_mcu_flash_size 0x400000)
set(fixnet_mcu_ram_size 0x400000)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m.cmake)
