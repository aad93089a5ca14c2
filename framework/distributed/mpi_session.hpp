#pragma once
/// Open MPI for the length of a command: MPI_Init_thread asking for MPI_THREAD_MULTIPLE (a rank's
/// trial slots send and receive from their own threads), MPI_Finalize at the end. Only the CLI
/// starts one, and only when mpirun, mpiexec or srun started the process (launched_by_mpi), so a
/// plain `nnlab sweep` never touches MPI.
namespace nnlab {

/// Whether a launcher started this process as one rank of an MPI job: Open MPI's mpirun sets
/// OMPI_COMM_WORLD_SIZE, PMIx launchers (Slurm's srun --mpi=pmix) PMIX_RANK.
bool launched_by_mpi();

class MpiSession {
 public:
  /// Throws Error when MPI cannot start or cannot give MPI_THREAD_MULTIPLE.
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace nnlab
