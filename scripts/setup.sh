# Shared by scripts/demo and scripts/test (sourced, not run): installs what a fresh Debian 12 or
# Ubuntu machine lacks, with apt-get, as root or through sudo.

# Debian packages fixnet's build, tests, examples and benchmark smoke run need. libclang-rt-14-dev
# holds clang's sanitizer runtimes; Eigen is only the benchmarks' baseline; python3 is not needed
# (the generator scripts are for maintainers).
fixnet_packages=(cmake ninja-build g++ clang libclang-rt-14-dev libxsimd-dev doctest-dev libbenchmark-dev libeigen3-dev)

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
