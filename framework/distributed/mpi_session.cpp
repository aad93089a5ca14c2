#include "mpi_session.hpp"

#include <mpi.h>

#include <cstdlib>
#include <string>

#include "nnlab/error.hpp"

namespace nnlab {

bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
}

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = MPI_THREAD_SINGLE;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS)
    throw Error("MPI could not start (MPI_Init_thread failed)");
  if (provided < MPI_THREAD_MULTIPLE) {
    MPI_Finalize();
    throw Error("this MPI gives thread level " + std::to_string(provided) +
                "; nnlab's sweeps across ranks need MPI_THREAD_MULTIPLE (Open MPI 4 gives it)");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

}  // namespace nnlab
