# Fails when README.md no longer shows examples/quickstart.cpp verbatim (keeps the README true).
# Usage: cmake -DREADME=<README.md> -DSNIPPET=<quickstart.cpp> -P check_readme_snippet.cmake
file(READ "${README}" readme)
file(READ "${SNIPPET}" snippet)
string(STRIP "${snippet}" snippet)
string(FIND "${readme}" "${snippet}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "README.md does not contain ${SNIPPET} verbatim: paste the file into its Usage section")
endif()
message(STATUS "README.md shows ${SNIPPET} verbatim")
