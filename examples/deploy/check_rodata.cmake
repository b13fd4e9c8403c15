# Checks that SYMBOL in PROGRAM is read-only data, and prints the evidence:
# - objdump -t: its output section, which must be .rodata (readelf -S: allocated, not writable), unless
#   MAP shows the compiler put it in a .rodata input section (picolibc's linker script gathers
#   .rodata* into the flash output section .text, so on a Cortex-M the output section is .text);
# - MAP (the linker's map file, optional): the input section holding the symbol must be .rodata*;
# - FLASH_END (optional): its address lies in flash, [0, FLASH_END).
execute_process(COMMAND ${OBJDUMP} -t ${PROGRAM} OUTPUT_VARIABLE table RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${OBJDUMP} -t ${PROGRAM} failed")
endif()
string(REGEX MATCH "\n([0-9a-f]+) [^\n]*[ \t]([^ \t\n]+)\t([0-9a-f]+)[ \t]+${SYMBOL}\n" line "${table}")
if(NOT line)
    message(FATAL_ERROR "no symbol ${SYMBOL} in ${PROGRAM}")
endif()
set(address ${CMAKE_MATCH_1})
set(section ${CMAKE_MATCH_2})
string(STRIP "${line}" line)
message(STATUS "symbol table: ${line}")

if(MAP)
    file(READ ${MAP} map)
    string(REGEX MATCH "\n (\\.[^ \n]+)[ \n]+0x0*${address}[ ]+0x[0-9a-f]+ [^\n]*\n[ ]+0x0*${address}[ ]+${SYMBOL}\n" found "${map}")
    if(NOT found)
        message(FATAL_ERROR "${SYMBOL} at 0x${address} not found in ${MAP}")
    endif()
    set(input_section ${CMAKE_MATCH_1})
    message(STATUS "map file: input section ${input_section} at 0x${address}, in output section ${section}")
    if(NOT input_section MATCHES "^\\.rodata")
        message(FATAL_ERROR "${SYMBOL} comes from input section ${input_section}, not .rodata")
    endif()
elseif(NOT section MATCHES "^\\.rodata")
    message(FATAL_ERROR "${SYMBOL} is in ${section}, not in .rodata")
endif()

# Section flags from readelf (llvm-objdump -h, which the clang presets use, does not print them).
string(REPLACE "." "\\." section_regex "${section}")
execute_process(COMMAND ${READELF} -S -W ${PROGRAM} OUTPUT_VARIABLE headers)
string(REGEX MATCH "\\] ${section_regex} +[A-Z_]+ +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +([A-Z]+) " header "${headers}")
if(NOT header)
    message(FATAL_ERROR "no section ${section} in ${READELF} -S ${PROGRAM}")
endif()
message(STATUS "section header: ${header}")
if(NOT CMAKE_MATCH_1 MATCHES "A" OR CMAKE_MATCH_1 MATCHES "W")
    message(FATAL_ERROR "output section ${section} is not read-only allocated data (flags ${CMAKE_MATCH_1})")
endif()

if(FLASH_END)
    math(EXPR at "0x${address}")
    math(EXPR end "${FLASH_END}")
    if(NOT at LESS end)
        message(FATAL_ERROR "${SYMBOL} at 0x${address} is outside flash [0, ${FLASH_END})")
    endif()
    message(STATUS "${SYMBOL} at 0x${address}: in flash [0, ${FLASH_END})")
endif()
