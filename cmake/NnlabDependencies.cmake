# Every external dependency, found once, as imported targets. Debian 12 package names are in
# cmake/debian-packages.txt.
find_package(dnnl 2.6 CONFIG REQUIRED)          # libdnnl-dev (its config needs ocl-icd-opencl-dev)
find_package(yaml-cpp CONFIG REQUIRED)          # libyaml-cpp-dev
find_package(TBB CONFIG REQUIRED)               # libtbb-dev
find_package(Boost 1.74 REQUIRED COMPONENTS program_options filesystem)  # DLL is header-only
find_package(ZLIB REQUIRED)                     # zlib1g-dev
find_package(Eigen3 3.4 CONFIG REQUIRED)        # libeigen3-dev (Bayesian optimization)
find_package(nlohmann_json 3.10 CONFIG REQUIRED)  # nlohmann-json3-dev (safetensors headers)
find_package(Protobuf REQUIRED)                 # libprotobuf-dev, protobuf-compiler (ONNX's classes)
find_package(ONNX 1.12 CONFIG REQUIRED)         # libonnx-dev: targets onnx, onnx_proto (`nnlab export`)
find_package(OpenMP REQUIRED)                   # oneDNN's threading runtime on Debian
# libopenmpi-dev, openmpi-bin (sweeps across machines): MPI's C API, from C++ (the project's only
# language), without Open MPI's deprecated C++ bindings.
set(MPI_CXX_SKIP_MPICXX ON)
find_package(MPI REQUIRED COMPONENTS CXX)
find_package(Threads REQUIRED)
if(NNLAB_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)           # libgtest-dev
endif()
