# Fails when PROGRAM links any heap allocator (malloc and its relatives, picolibc's reentrant
# variants, or C++'s operator new/delete), read with NM from the linked program's symbol table.
# Usage: cmake -DNM=arm-none-eabi-nm -DPROGRAM=prog.elf -P check_no_heap.cmake
execute_process(COMMAND ${NM} -C ${PROGRAM} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} ${PROGRAM} failed (${rc})")
endif()
string(REGEX MATCHALL "[^\n]* (malloc|calloc|realloc|free|_malloc_r|_free_r|sbrk|_sbrk|operator new[^\n]*|operator delete[^\n]*)\n"
       heap "${symbols}")
if(heap)
    message(FATAL_ERROR "heap symbols linked into ${PROGRAM}:\n${heap}")
endif()
string(REGEX MATCH "[^\n]* main\n" has_main "${symbols}")
if(NOT has_main)
    message(FATAL_ERROR "no main in the symbol table of ${PROGRAM}: wrong file?")  # the check must be able to fail
endif()
message(STATUS "no heap allocator in ${PROGRAM}")
