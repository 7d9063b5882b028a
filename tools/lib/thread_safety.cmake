# Writes a Ninja file that runs Debian's clang over every project source of a build, syntax
# only, with -Wthread-safety as an error: every ABSL_GUARDED_BY and ABSL_EXCLUSIVE_LOCKS_REQUIRED
# is then checked, which GCC ignores. It reads the build's compile_commands.json, so each file
# is checked with exactly the flags it is built with; generated code is skipped.
# Usage: cmake -DBUILD_DIR=build -DOUT_DIR=build/thread-safety -P tools/lib/thread_safety.cmake
#        ninja -C build/thread-safety
cmake_minimum_required(VERSION 3.25)

file(READ "${BUILD_DIR}/compile_commands.json" commands)
string(JSON count LENGTH "${commands}")
math(EXPR last "${count} - 1")
get_filename_component(build_dir "${BUILD_DIR}" ABSOLUTE)
get_filename_component(out_dir "${OUT_DIR}" ABSOLUTE)

set(ninja "rule check\n  command = $cmd -MD -MF $out.d -MT $out && touch $out\n  deps = gcc\n  depfile = $out.d\n  description = clang -Wthread-safety $in\n\n")
set(stamps "")
foreach(i RANGE ${last})
  string(JSON file GET "${commands}" ${i} file)
  string(JSON command GET "${commands}" ${i} command)
  string(JSON directory GET "${commands}" ${i} directory)
  string(FIND "${file}" "${build_dir}/" generated)
  if(NOT generated EQUAL -1)
    continue()
  endif()
  string(MAKE_C_IDENTIFIER "${file}" stamp)
  set(stamp "${out_dir}/${stamp}.ok")
  # The compiler is the command's first word; the object it names is not written.
  string(FIND "${command}" " " compiler_end)
  string(SUBSTRING "${command}" ${compiler_end} -1 command)
  string(PREPEND command "clang++")
  string(REGEX REPLACE " -o [^ ]+ " " " command "${command}")
  string(REPLACE "$" "$$" command "${command}")
  string(APPEND ninja "build ${stamp}: check ${file}\n  cmd = cd ${directory} && ${command} "
         "-Wno-everything -Wthread-safety -Werror -fsyntax-only\n")
  list(APPEND stamps "${stamp}")
endforeach()
list(JOIN stamps " " all)
string(APPEND ninja "\nbuild all: phony ${all}\ndefault all\n")
file(MAKE_DIRECTORY "${OUT_DIR}")
file(WRITE "${OUT_DIR}/build.ninja.new" "${ninja}")
file(COPY_FILE "${OUT_DIR}/build.ninja.new" "${OUT_DIR}/build.ninja" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT_DIR}/build.ninja.new")
