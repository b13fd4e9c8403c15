# Cross builds only: the host's header-only packages (xsimd, doctest) as targets a cross compiler
# can use. A cross compiler must never be given the host's /usr/include (its glibc and x86 headers
# would then win over the target's), and the packages' CMake configs sit under the host's x86-64
# library folder, where find_package does not look when cross-compiling. So each package's header
# folder gets a symbolic link in a build-tree folder of its own, and an imported target names that
# folder: `xsimd` (the name of xsimd's own target) and `doctest::doctest`.
function(fixnet_cross_header_target target folder)
    if(TARGET ${target})
        return()
    endif()
    find_path(_fixnet_header_root NAMES ${folder} PATHS /usr/include /usr/local/include
              NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH NO_CACHE)
    if(NOT _fixnet_header_root)
        message(STATUS "fixnet cross build: no host ${folder}/ headers, no ${target} target")
        return()
    endif()
    set(_dir ${PROJECT_BINARY_DIR}/cross_headers/${folder})
    file(MAKE_DIRECTORY ${_dir})
    file(CREATE_LINK ${_fixnet_header_root}/${folder} ${_dir}/${folder} SYMBOLIC)
    add_library(${target} INTERFACE IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${_dir})
    message(STATUS "fixnet cross build: ${target} from ${_fixnet_header_root}/${folder}")
endfunction()

if(FIXNET_USE_XSIMD)
    fixnet_cross_header_target(xsimd xsimd)
endif()
if(FIXNET_BUILD_TESTS)
    fixnet_cross_header_target(doctest::doctest doctest)
endif()
