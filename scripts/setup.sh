# Shared by scripts/demo and scripts/test (sourced, not run): installs what a fresh Debian 12 or
# Ubuntu machine lacks, with apt-get, as root or through sudo.

# Debian packages fixnet's build, tests, examples and benchmark smoke run need. libclang-rt-14-dev
# holds clang's sanitizer runtimes; Eigen is only the benchmarks' baseline; python3 is not needed
# (the generator scripts are for maintainers).
fixnet_packages=(cmake ninja-build g++ clang libclang-rt-14-dev libxsimd-dev doctest-dev libbenchmark-dev libeigen3-dev)

# The Arm targets' cross compilers, C libraries and emulators (no dpkg --add-architecture needed:
# each cross package carries its own C library; never gcc-multilib, which removes the cross compilers).
fixnet_aarch64_packages=(g++-aarch64-linux-gnu qemu-user-static)
fixnet_armhf_packages=(g++-arm-linux-gnueabihf qemu-user-static)
fixnet_cortex_m_packages=(gcc-arm-none-eabi picolibc-arm-none-eabi libstdc++-arm-none-eabi-picolibc qemu-system-arm)

# The packages a CMake preset needs beyond fixnet_packages.
fixnet_preset_packages() {
    case "$1" in
        aarch64) echo "${fixnet_aarch64_packages[@]}" ;;
        armhf) echo "${fixnet_armhf_packages[@]}" ;;
        cortex-m*) echo "${fixnet_cortex_m_packages[@]}" ;;
    esac
}

fixnet_ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "== installing missing packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "error: packages missing (${missing[*]}) and not root and no sudo: install them and retry" >&2
            return 1
        fi
    fi
    $sudo apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
}
