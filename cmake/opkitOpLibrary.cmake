# opkit_add_op_library: builds an op library from op folders.
#
#   opkit_add_op_library(<target> OPS <op folder>...
#                        [STATIC | MICRO [HOST]] [OUTPUT_NAME <name>]
#                        [REGISTER_FUNCTION <name>])
#
# Each op folder holds the op's kernel sources and an opkit_op.cmake that
# opkit generates from its op.toml (`opkit build` and `scaffold-op` refresh
# it), setting OPKIT_OP_NAME, OPKIT_OP_VERSION, OPKIT_OP_REGISTER,
# OPKIT_OP_SOURCES, OPKIT_OP_MICRO_SOURCES and OPKIT_OP_INCLUDE_DIRS (folders
# relative to the op folder whose headers its kernels include).
#
# - By default the result is a shared module that the TFLite Python
#   interpreters load as a plugin delegate (opkit.Interpreter does this).
# - STATIC: a static library of the same kernels for interpreters built from
#   TFLite source, with a generated <target>.h declaring
#   REGISTER_FUNCTION (default RegisterCustomOps), which adds every op to a
#   tflite::MutableOpResolver. Alias target: opkit::<target>.
# - MICRO: a static library of the TensorFlow Lite Micro kernels
#   (<op>_micro.cc), with a generated <target>.h holding the template
#   AddCustomOps(tflite::MicroMutableOpResolver<N>&). Alias: opkit::<target>.
#   MICRO HOST: the same, always against opkit's stand-in TFLM declarations,
#   for opkit_add_micro_host (below).
#
# STATIC and MICRO compile against the real TFLite / TFLM headers found on
# OPKIT_TFLITE_INCLUDE_DIRS / OPKIT_TFLM_INCLUDE_DIRS; with OPKIT_COMPILE_CHECK
# on they compile against opkit's stand-in declarations instead (a compile
# check only: nothing to link against). No Python runs at build time.
#
# Expects OPKIT_INCLUDE_DIR and OPKIT_RUNTIME_SOURCES to be set, which
# find_package(opkit) does (and opkit's own CMakeLists.txt for its catalog).

include_guard(GLOBAL)

set(_OPKIT_TEMPLATE_DIR "${CMAKE_CURRENT_LIST_DIR}")
# Declared only when not set already: with CMake's policy CMP0126 OLD (a
# project requiring 3.20), declaring a cache entry would erase a value the
# including project set as a normal variable first.
if(NOT DEFINED OPKIT_TFLITE_INCLUDE_DIRS)
  set(OPKIT_TFLITE_INCLUDE_DIRS "" CACHE STRING
      "Include directories of TFLite (its source checkout) for STATIC op libraries")
endif()
if(NOT DEFINED OPKIT_TFLM_INCLUDE_DIRS)
  set(OPKIT_TFLM_INCLUDE_DIRS "" CACHE STRING
      "Include directories of TensorFlow Lite Micro for MICRO op libraries")
endif()
if(NOT DEFINED OPKIT_COMPILE_CHECK)
  option(OPKIT_COMPILE_CHECK
         "Compile STATIC/MICRO op libraries against opkit's stand-in TFLite/TFLM declarations" OFF)
endif()

# Reads one op folder's generated glue into the caller's scope as
# _opkit_op_{name,version,register,sources,include_dirs}, after checking every value:
# they end up in generated C++, so nothing but identifiers may pass.
function(_opkit_read_op_glue op_dir flavour)
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
  unset(OPKIT_OP_MICRO_SOURCES)
  unset(OPKIT_OP_INCLUDE_DIRS)
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
  if(flavour STREQUAL "micro")
    set(wanted ${OPKIT_OP_MICRO_SOURCES})
    set(hint "scaffold-op ${OPKIT_OP_NAME} --target micro")
  else()
    set(wanted ${OPKIT_OP_SOURCES})
    set(hint "scaffold-op ${OPKIT_OP_NAME} --target tflite")
  endif()
  set(sources)
  foreach(source IN LISTS wanted)
    if(NOT EXISTS "${op_dir}/${source}")
      message(FATAL_ERROR
        "opkit: op ${OPKIT_OP_NAME} has no ${flavour} kernel ${op_dir}/${source}; "
        "write one with `${hint}`")
    endif()
    list(APPEND sources "${op_dir}/${source}")
  endforeach()
  if(NOT sources)
    message(FATAL_ERROR "opkit: ${glue} names no ${flavour} sources")
  endif()
  set(include_dirs)
  foreach(folder IN LISTS OPKIT_OP_INCLUDE_DIRS)
    get_filename_component(folder "${op_dir}/${folder}" ABSOLUTE)
    if(NOT IS_DIRECTORY "${folder}")
      message(FATAL_ERROR
        "opkit: op ${OPKIT_OP_NAME} includes headers from ${folder}, which does not exist "
        "(include_dirs in ${op_dir}/op.toml)")
    endif()
    list(APPEND include_dirs "${folder}")
  endforeach()
  set(_opkit_op_name "${OPKIT_OP_NAME}" PARENT_SCOPE)
  set(_opkit_op_version "${OPKIT_OP_VERSION}" PARENT_SCOPE)
  set(_opkit_op_register "${OPKIT_OP_REGISTER}" PARENT_SCOPE)
  set(_opkit_op_sources "${sources}" PARENT_SCOPE)
  set(_opkit_op_include_dirs "${include_dirs}" PARENT_SCOPE)
endfunction()

function(opkit_add_op_library target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "STATIC;MICRO;HOST" "OUTPUT_NAME;REGISTER_FUNCTION" "OPS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "opkit_add_op_library(${target}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_OPS)
    message(FATAL_ERROR "opkit_add_op_library(${target}): no OPS folders given")
  endif()
  if(ARG_STATIC AND ARG_MICRO)
    message(FATAL_ERROR "opkit_add_op_library(${target}): STATIC and MICRO are two libraries; add each")
  endif()
  if(ARG_HOST AND NOT ARG_MICRO)
    message(FATAL_ERROR "opkit_add_op_library(${target}): HOST goes with MICRO")
  endif()
  if(NOT OPKIT_INCLUDE_DIR OR NOT OPKIT_RUNTIME_SOURCES)
    message(FATAL_ERROR "opkit_add_op_library: use find_package(opkit) first")
  endif()
  set(flavour tflite)
  if(ARG_MICRO)
    set(flavour micro)
  endif()
  if(NOT ARG_REGISTER_FUNCTION)
    set(ARG_REGISTER_FUNCTION RegisterCustomOps)
  endif()
  if(NOT ARG_REGISTER_FUNCTION MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "opkit_add_op_library(${target}): REGISTER_FUNCTION must be an identifier")
  endif()

  set(sources)
  set(names)
  set(include_dirs)
  set(OPKIT_TABLE_DECLARATIONS "")
  set(OPKIT_TABLE_ENTRIES "")
  set(OPKIT_REGISTER_CALLS "")
  set(OPKIT_MICRO_DECLARATIONS "")
  set(OPKIT_MICRO_CALLS "")
  foreach(op_dir IN LISTS ARG_OPS)
    get_filename_component(op_dir "${op_dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    _opkit_read_op_glue("${op_dir}" "${flavour}")
    # The runtime matches ops by name (the interpreter hides versions from
    # delegates), so a library may hold only one version of each op.
    if(_opkit_op_name IN_LIST names)
      message(FATAL_ERROR "opkit_add_op_library(${target}): op ${_opkit_op_name} is defined twice (second time in ${op_dir})")
    endif()
    list(APPEND names "${_opkit_op_name}")
    list(APPEND sources ${_opkit_op_sources})
    list(APPEND include_dirs ${_opkit_op_include_dirs})
    string(APPEND OPKIT_TABLE_DECLARATIONS "TfLiteRegistration* ${_opkit_op_register}();\n")
    string(APPEND OPKIT_TABLE_ENTRIES
      "    {\"${_opkit_op_name}\", ${_opkit_op_version}, &tflite::ops::custom::${_opkit_op_register}},\n")
    string(APPEND OPKIT_REGISTER_CALLS
      "  resolver->AddCustom(\"${_opkit_op_name}\", tflite::ops::custom::${_opkit_op_register}(), ${_opkit_op_version});\n")
    string(APPEND OPKIT_MICRO_DECLARATIONS "TFLMRegistration ${_opkit_op_register}();\n")
    string(APPEND OPKIT_MICRO_CALLS
      "  {\n    const TFLMRegistration registration = tflite::micro::custom::${_opkit_op_register}();\n"
      "    if (resolver.AddCustom(\"${_opkit_op_name}\", &registration) != kTfLiteOk) return kTfLiteError;\n  }\n")
  endforeach()
  list(LENGTH names OPKIT_OP_COUNT)
  list(JOIN names ", " OPKIT_OP_LIST)
  set(OPKIT_TABLE_TARGET "${target}")
  set(generated "${CMAKE_CURRENT_BINARY_DIR}/${target}_generated")

  if(ARG_STATIC)
    set(OPKIT_REGISTER_FUNCTION "${ARG_REGISTER_FUNCTION}")
    set(OPKIT_REGISTER_HEADER "${target}.h")
    string(TOUPPER "OPKIT_${target}_H_" OPKIT_GUARD)
    configure_file("${_OPKIT_TEMPLATE_DIR}/register_custom_ops.h.in"
                   "${generated}/${target}.h" @ONLY)
    configure_file("${_OPKIT_TEMPLATE_DIR}/register_custom_ops.cc.in"
                   "${generated}/${target}_register.cc" @ONLY)
    add_library(${target} STATIC ${sources} "${generated}/${target}_register.cc")
    _opkit_device_library(${target} "${generated}" "${OPKIT_TFLITE_INCLUDE_DIRS}" OPKIT_TFLITE_STANDIN)
  elseif(ARG_MICRO)
    set(OPKIT_MICRO_FUNCTION "AddCustomOps")
    string(TOUPPER "OPKIT_${target}_H_" OPKIT_GUARD)
    configure_file("${_OPKIT_TEMPLATE_DIR}/add_custom_ops_micro.h.in"
                   "${generated}/${target}.h" @ONLY)
    add_library(${target} STATIC ${sources})
    if(ARG_HOST)
      _opkit_device_library(${target} "${generated}" "" OPKIT_TFLM_STANDIN FORCE)
    else()
      _opkit_device_library(${target} "${generated}" "${OPKIT_TFLM_INCLUDE_DIRS}" OPKIT_TFLM_STANDIN)
    endif()
    # TFLM itself is compiled with TF_LITE_STATIC_MEMORY (smaller TfLiteTensor
    # and TfLiteNode layouts): so must its kernels be, and code that includes
    # their headers.
    target_compile_definitions(${target} PUBLIC TF_LITE_STATIC_MEMORY)
    # TFLM kernels allocate nothing from the heap and use neither exceptions
    # nor RTTI; build them the way firmware does.
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
      target_compile_options(${target} PRIVATE -fno-exceptions -fno-rtti)
    endif()
  else()
    set(table "${generated}/${target}_op_table.cc")
    configure_file("${_OPKIT_TEMPLATE_DIR}/op_table.cc.in" "${table}" @ONLY)
    # A MODULE: loaded with dlopen by the interpreters, never linked against.
    add_library(${target} MODULE ${sources} "${table}" ${OPKIT_RUNTIME_SOURCES})
    target_include_directories(${target} PRIVATE "${OPKIT_INCLUDE_DIR}")
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    # The interpreters export no TfLite* functions: an undefined symbol would
    # only show up as a dlopen failure, so make it a link error instead.
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
      target_link_options(${target} PRIVATE "LINKER:--no-undefined")
    endif()
  endif()

  if(include_dirs)
    list(REMOVE_DUPLICATES include_dirs)
    target_include_directories(${target} PRIVATE ${include_dirs})
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
  # Only the C entry points are exported, so several op libraries (and the
  # interpreter's own symbols) never collide in one process.
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME "${ARG_OUTPUT_NAME}")
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endif()
endfunction()

# Include directories and the alias of a STATIC or MICRO library.
function(_opkit_device_library target generated real_includes standin_definition)
  set(force_standin "${ARGN}")
  target_include_directories(${target} PUBLIC
    "$<BUILD_INTERFACE:${OPKIT_INCLUDE_DIR}>"
    "$<BUILD_INTERFACE:${generated}>"
    "$<INSTALL_INTERFACE:include>")
  if(real_includes)
    # Build-time only: an installed library's users bring their own TFLite.
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${real_includes}>")
  elseif(OPKIT_COMPILE_CHECK OR force_standin)
    target_compile_definitions(${target} PUBLIC ${standin_definition})
  endif()
  add_library(opkit::${target} ALIAS ${target})
  set_property(TARGET ${target} PROPERTY OPKIT_GENERATED_DIR "${generated}")
endfunction()

# opkit_add_micro_host(<target> OPS <op folder>...)
#
# A shared library that runs the ops' TensorFlow Lite Micro kernels on this
# machine, through opkit's stand-in TFLM runtime (tflm_host.cc): what
# `opkit test` and opkit.micro_host use to check those kernels against their
# reference before they go to a device. The kernels are compiled as firmware
# compiles them (-fno-exceptions -fno-rtti); nothing here is for a device.
function(opkit_add_micro_host target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "OPS")
  if(NOT OPKIT_MICRO_HOST_SOURCE)
    message(FATAL_ERROR "opkit_add_micro_host: use find_package(opkit) first")
  endif()
  set(kernels "${target}_kernels")
  opkit_add_op_library(${kernels} MICRO HOST OPS ${ARG_OPS})
  set_target_properties(${kernels} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  add_library(${target} SHARED "${OPKIT_MICRO_HOST_SOURCE}")
  target_link_libraries(${target} PRIVATE ${kernels})
  target_compile_definitions(${target} PRIVATE OPKIT_HOST_OPS_HEADER="${kernels}.h")
  target_compile_features(${target} PRIVATE cxx_std_17)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -fno-exceptions -fno-rtti)
  endif()
  # Only its opkit_micro_* C functions are exported; a missing definition of
  # the stand-in API is a link error rather than a failure when it loads.
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
endfunction()

# opkit_install_op_libraries(TARGETS <static or micro target>...)
#
# Installs the libraries, opkit's headers, their generated headers and a CMake
# package, so that another project finds them with find_package(opkit) (with
# this install prefix on CMAKE_PREFIX_PATH) and links opkit::<target>.
function(opkit_install_op_libraries)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "" "TARGETS")
  include(GNUInstallDirs)
  install(TARGETS ${ARG_TARGETS} EXPORT opkitTargets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(DIRECTORY "${OPKIT_INCLUDE_DIR}/opkit" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  foreach(target IN LISTS ARG_TARGETS)
    get_property(generated TARGET ${target} PROPERTY OPKIT_GENERATED_DIR)
    install(DIRECTORY "${generated}/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
            FILES_MATCHING PATTERN "*.h")
  endforeach()
  set(destination "${CMAKE_INSTALL_LIBDIR}/cmake/opkit")
  install(EXPORT opkitTargets NAMESPACE opkit:: DESTINATION "${destination}")
  # What the installed libraries need found before their targets load:
  # Threads for catalog kernels, nothing for firmware (where it cannot be found).
  set(dependencies "include(CMakeFindDependencyMacro)\n")
  foreach(target IN LISTS ARG_TARGETS)
    get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
    if(links AND "Threads::Threads" IN_LIST links)
      string(APPEND dependencies "find_dependency(Threads)\n")
      break()
    endif()
  endforeach()
  # Where the headers and runtime are, relative to the package folder (the
  # library folder may be lib, lib64 or lib/<multiarch>).
  file(RELATIVE_PATH to_prefix "/prefix/${destination}" "/prefix")
  string(CONFIGURE [=[
get_filename_component(_opkit_prefix "${CMAKE_CURRENT_LIST_DIR}/@to_prefix@" ABSOLUTE)
set(OPKIT_INCLUDE_DIR "${_opkit_prefix}/@CMAKE_INSTALL_INCLUDEDIR@")
set(_opkit_runtime "${_opkit_prefix}/@CMAKE_INSTALL_DATADIR@/opkit/runtime")
]=] layout @ONLY)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/opkitDependencies.cmake" "${dependencies}")
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/opkitInstallLayout.cmake" "${layout}")
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/opkitDependencies.cmake"
                "${CMAKE_CURRENT_BINARY_DIR}/opkitInstallLayout.cmake"
          DESTINATION "${destination}")
  install(FILES
    "${_OPKIT_TEMPLATE_DIR}/opkitConfig.cmake"
    "${_OPKIT_TEMPLATE_DIR}/opkitOpLibrary.cmake"
    "${_OPKIT_TEMPLATE_DIR}/op_table.cc.in"
    "${_OPKIT_TEMPLATE_DIR}/register_custom_ops.h.in"
    "${_OPKIT_TEMPLATE_DIR}/register_custom_ops.cc.in"
    "${_OPKIT_TEMPLATE_DIR}/add_custom_ops_micro.h.in"
    DESTINATION "${destination}")
  install(FILES ${OPKIT_RUNTIME_SOURCES} DESTINATION "${CMAKE_INSTALL_DATADIR}/opkit/runtime")
endfunction()
