# opkit_catalog_options(<target>): how opkit's catalog kernels for TFLite are
# compiled, for opkit's own build and for exported projects that hold catalog
# ops. (Their shared headers, ops/_catalog, come from each op's include_dirs.)
#
# The elementwise loops are compiled for several x86-64 instruction sets and
# call glibc's vector math (libmvec) where it links; -fno-math-errno lets sqrt
# and friends compile to instructions (errno is never read), and -fopenmp-simd
# enables the SIMD declarations without any OpenMP runtime. Elsewhere (ARM,
# cross builds) the same sources compile to plain portable loops.
include_guard(GLOBAL)

function(opkit_catalog_options target)
  if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
    # Bare metal: no threads to split the work over.
    target_compile_definitions(${target} PRIVATE OPKIT_CATALOG_NO_THREADS)
  else()
    find_package(Threads REQUIRED)
    target_link_libraries(${target} PUBLIC Threads::Threads)
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    return()
  endif()
  target_compile_options(${target} PRIVATE -fopenmp-simd -fno-math-errno)
  if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" OR CMAKE_CROSSCOMPILING)
    return()
  endif()
  target_compile_definitions(${target} PRIVATE OPKIT_CATALOG_ISA_CLONES)
  _opkit_check_libmvec()
  if(OPKIT_HAVE_LIBMVEC)
    target_compile_definitions(${target} PRIVATE OPKIT_HAVE_LIBMVEC)
    target_link_libraries(${target} PRIVATE mvec)
  endif()
endfunction()

function(_opkit_check_libmvec)
  include(CheckCXXSourceCompiles)
  # The check's loop compiles to calls of libmvec's vector sinhf, so it links
  # only where glibc ships them.
  set(CMAKE_REQUIRED_FLAGS "-O2 -fopenmp-simd")
  set(CMAKE_REQUIRED_LIBRARIES mvec m)
  check_cxx_source_compiles([=[
    #include <math.h>
    extern "C" {
    #pragma omp declare simd notinbranch
    float sinhf(float) noexcept;
    }
    float x[64];
    int main() {
    #pragma omp simd
      for (int i = 0; i < 64; ++i) x[i] = sinhf(x[i]);
      return x[3] > 1.0f;
    }
  ]=] OPKIT_HAVE_LIBMVEC)
endfunction()
