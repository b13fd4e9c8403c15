# 32-bit Arm Linux, hard float (Debian's g++-arm-linux-gnueabihf) with NEON switched on: Debian's
# armhf default is VFPv3-D16 without NEON, where xsimd has no architecture; -mfpu=neon gives
# xsimd's arm32+neon. Test programs run under qemu-arm-static.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static -L /usr/arm-linux-gnueabihf)
# Appended rather than put in *_FLAGS_INIT: a preset's CMAKE_CXX_FLAGS (the warnings) would
# replace *_FLAGS_INIT, and the NEON flag is what makes this target what it is.
# The guard keeps try_compile, which reads this file again, from doubling it.
if(NOT CMAKE_CXX_FLAGS MATCHES "-mfpu=neon")
    string(APPEND CMAKE_C_FLAGS " -mfpu=neon")
    string(APPEND CMAKE_CXX_FLAGS " -mfpu=neon")
endif()
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
