# find_package(opkit): the CMake functions and headers for building op
# libraries, as installed inside the Python package (see opkit.cmake_dir()).
get_filename_component(_opkit_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(OPKIT_INCLUDE_DIR "${_opkit_root}/include")
set(OPKIT_RUNTIME_SOURCES "${_opkit_root}/runtime/delegate.cc")
include("${CMAKE_CURRENT_LIST_DIR}/opkitOpLibrary.cmake")
set(opkit_FOUND TRUE)
