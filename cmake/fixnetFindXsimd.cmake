# Finds xsimd (optional) for fixnet, in fixnet's own build and in its installed package config.
#
# Debian 12's libxsimd-dev 8.1 exports a target `xsimd` whose INTERFACE_LINK_LIBRARIES names
# `xtl`, a library Debian 12 does not ship and that xsimd's SIMD types do not need: linking the
# target then fails with "cannot find -lxtl". Where no `xtl` target exists we drop that entry.
find_package(xsimd 8 QUIET)
if(TARGET xsimd AND NOT TARGET xtl)
    get_target_property(_fixnet_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
    if(_fixnet_xsimd_links)
        list(REMOVE_ITEM _fixnet_xsimd_links xtl)
        set_target_properties(xsimd PROPERTIES INTERFACE_LINK_LIBRARIES "${_fixnet_xsimd_links}")
    endif()
    unset(_fixnet_xsimd_links)
endif()
