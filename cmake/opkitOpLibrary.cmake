# opkit_add_op_library: builds an op library from op folders.
#
#   opkit_add_op_library(<target> OPS <op folder>... [OUTPUT_NAME <name>])
#
# Each op folder holds the op's kernel sources and an opkit_op.cmake that
# opkit generates from its op.toml (`opkit build` and `scaffold-op` refresh
# it), setting OPKIT_OP_NAME, OPKIT_OP_VERSION, OPKIT_OP_REGISTER and
# OPKIT_OP_SOURCES. The result is a shared module that any TFLite Python
# interpreter loads as a plugin delegate (opkit.Interpreter does this).
#
# Expects OPKIT_INCLUDE_DIR and OPKIT_RUNTIME_SOURCES to be set, which
# find_package(opkit) does (and opkit's own CMakeLists.txt for its catalog).

include_guard(GLOBAL)

set(_OPKIT_TEMPLATE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# Reads one op folder's generated glue into the caller's scope as
# _opkit_op_{name,version,register,sources}, after checking every value:
# they end up in generated C++, so nothing but identifiers may pass.
function(_opkit_read_op_glue op_dir)
  set(glue "${op_dir}/opkit_op.cmake")
  if(NOT EXISTS "${glue}")
    message(FATAL_ERROR
      "opkit: ${op_dir} has no opkit_op.cmake; run `opkit build` on its ops "
      "folder (or `scaffold-op`) to generate it")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${glue}")
  unset(OPKIT_OP_NAME)
  unset(OPKIT_OP_VERSION)
  unset(OPKIT_OP_REGISTER)
  unset(OPKIT_OP_SOURCES)
  include("${glue}")
  if(NOT OPKIT_OP_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "opkit: ${glue}: OPKIT_OP_NAME '${OPKIT_OP_NAME}' is not an identifier")
  endif()
  if(NOT OPKIT_OP_VERSION MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "opkit: ${glue}: OPKIT_OP_VERSION '${OPKIT_OP_VERSION}' is not a positive integer")
  endif()
  if(NOT OPKIT_OP_REGISTER MATCHES "^Register_[A-Za-z0-9_]+$")
    message(FATAL_ERROR "opkit: ${glue}: OPKIT_OP_REGISTER '${OPKIT_OP_REGISTER}' is not a Register_<NAME> function")
  endif()
  if(NOT OPKIT_OP_SOURCES)
    message(FATAL_ERROR "opkit: ${glue}: OPKIT_OP_SOURCES is empty")
  endif()
  set(sources)
  foreach(source IN LISTS OPKIT_OP_SOURCES)
    if(NOT EXISTS "${op_dir}/${source}")
      message(FATAL_ERROR "opkit: ${op_dir}/${source} (named in ${glue}) does not exist")
    endif()
    list(APPEND sources "${op_dir}/${source}")
  endforeach()
  set(_opkit_op_name "${OPKIT_OP_NAME}" PARENT_SCOPE)
  set(_opkit_op_version "${OPKIT_OP_VERSION}" PARENT_SCOPE)
  set(_opkit_op_register "${OPKIT_OP_REGISTER}" PARENT_SCOPE)
  set(_opkit_op_sources "${sources}" PARENT_SCOPE)
endfunction()

function(opkit_add_op_library target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT_NAME" "OPS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "opkit_add_op_library(${target}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_OPS)
    message(FATAL_ERROR "opkit_add_op_library(${target}): no OPS folders given")
  endif()
  if(NOT OPKIT_INCLUDE_DIR OR NOT OPKIT_RUNTIME_SOURCES)
    message(FATAL_ERROR "opkit_add_op_library: use find_package(opkit) first")
  endif()

  set(sources)
  set(names)
  set(OPKIT_TABLE_DECLARATIONS "")
  set(OPKIT_TABLE_ENTRIES "")
  foreach(op_dir IN LISTS ARG_OPS)
    get_filename_component(op_dir "${op_dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    _opkit_read_op_glue("${op_dir}")
    # The runtime matches ops by name (the interpreter hides versions from
    # delegates), so a library may hold only one version of each op.
    if(_opkit_op_name IN_LIST names)
      message(FATAL_ERROR "opkit_add_op_library(${target}): op ${_opkit_op_name} is defined twice (second time in ${op_dir})")
    endif()
    list(APPEND names "${_opkit_op_name}")
    list(APPEND sources ${_opkit_op_sources})
    string(APPEND OPKIT_TABLE_DECLARATIONS "TfLiteRegistration* ${_opkit_op_register}();\n")
    string(APPEND OPKIT_TABLE_ENTRIES
      "    {\"${_opkit_op_name}\", ${_opkit_op_version}, &tflite::ops::custom::${_opkit_op_register}},\n")
  endforeach()

  set(OPKIT_TABLE_TARGET "${target}")
  set(table "${CMAKE_CURRENT_BINARY_DIR}/${target}_op_table.cc")
  configure_file("${_OPKIT_TEMPLATE_DIR}/op_table.cc.in" "${table}" @ONLY)

  # A MODULE: loaded with dlopen by the interpreters, never linked against.
  add_library(${target} MODULE ${sources} "${table}" ${OPKIT_RUNTIME_SOURCES})
  target_include_directories(${target} PRIVATE "${OPKIT_INCLUDE_DIR}")
  target_compile_features(${target} PRIVATE cxx_std_17)
  # Only the C entry points are exported, so several op libraries (and the
  # interpreter's own symbols) never collide in one process.
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME "${ARG_OUTPUT_NAME}")
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endif()
  # The interpreters export no TfLite* functions: an undefined symbol would
  # only show up as a dlopen failure, so make it a link error instead.
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
endfunction()
