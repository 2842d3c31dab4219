# Reads tests/fuzz/targets.txt: STOCKTAKE_FUZZ_TARGETS (names) and, per
# target, STOCKTAKE_FUZZ_SEEDS_<name> (absolute seed folders).
file(STRINGS ${CMAKE_SOURCE_DIR}/tests/fuzz/targets.txt fuzz_lines REGEX "^[a-z]")
set(STOCKTAKE_FUZZ_TARGETS)
foreach(line ${fuzz_lines})
  string(REGEX REPLACE "[ \t]+" ";" fields "${line}")
  list(POP_FRONT fields name)
  list(APPEND STOCKTAKE_FUZZ_TARGETS ${name})
  set(STOCKTAKE_FUZZ_SEEDS_${name})
  foreach(seed ${fields})
    get_filename_component(seed_path "${CMAKE_SOURCE_DIR}/${seed}" ABSOLUTE)
    list(APPEND STOCKTAKE_FUZZ_SEEDS_${name} ${seed_path})
  endforeach()
endforeach()
