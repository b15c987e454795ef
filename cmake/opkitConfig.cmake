# find_package(opkit): the CMake functions and headers for building op
# libraries, and, in an install made by opkit_install_op_libraries, the
# installed op libraries as opkit::<name> targets.
#
# Two layouts: inside the Python package (<pkg>/cmake, see opkit.cmake_dir(),
# next to <pkg>/include and <pkg>/runtime), and an install prefix
# (<libdir>/cmake/opkit, with <includedir> and <datadir>/opkit).
get_filename_component(_opkit_here "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
if(EXISTS "${_opkit_here}/../include/opkit/tflite_c.h")
  get_filename_component(OPKIT_INCLUDE_DIR "${_opkit_here}/../include" ABSOLUTE)
  get_filename_component(_opkit_runtime "${_opkit_here}/../runtime" ABSOLUTE)
  get_filename_component(OPKIT_MICRO_HOST_SOURCE "${_opkit_here}/../micro_host/tflm_host.cc"
                         ABSOLUTE)
else()
  # Written by opkit_install_op_libraries for the install's own folders.
  include("${_opkit_here}/opkitInstallLayout.cmake")
endif()
set(OPKIT_RUNTIME_SOURCES "${_opkit_runtime}/delegate.cc")
include("${CMAKE_CURRENT_LIST_DIR}/opkitOpLibrary.cmake")
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/opkitTargets.cmake")
  include("${CMAKE_CURRENT_LIST_DIR}/opkitDependencies.cmake")
  include("${CMAKE_CURRENT_LIST_DIR}/opkitTargets.cmake")
endif()
set(opkit_FOUND TRUE)
