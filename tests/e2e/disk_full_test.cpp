// Running out of disk space: a sweep and a run whose results folder sits on a small tmpfs. The
// test mounts one itself (it needs root, or CAP_SYS_ADMIN; elsewhere it skips with a message).
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "cli.hpp"
#include "results/curves_file.hpp"
#include "results/trials_file.hpp"

namespace nnlab {
namespace {

using test::run_cli;

/// A size-limited tmpfs at `path` for the test's life; `resize` frees space as a user would.
class SmallDisk {
 public:
  SmallDisk(std::string path, const std::string& size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  bool resize(const std::string& size) {
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }

 private:
  std::string path_, error_;
  bool mounted_ = false;
};

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

std::map<std::int64_t, std::optional<double>> objectives(const std::string& trials) {
  std::map<std::int64_t, std::optional<double>> out;
  for (const auto& t : read_trials(trials, {"optimizer.lr"})) {
    EXPECT_TRUE(out.emplace(t.trial, t.objective).second) << "trial " << t.trial << " twice";
  }
  return out;
}

const std::string kSearch =
    "search:\n  kind: random\n  trials: 24\n"
    "  objective: {metric: test_acc, mode: max}\n"
    "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n";

// 24 trials x 300 epochs x 4 curve rows of ~25 bytes is about 700 KiB of curves.csv: a 256 KiB
// disk fills about a third of the way through.
const std::string kFlags = " --parallel 2 -q --set train.epochs=300";

TEST(DiskFull, ASweepStopsWithOneLineNamingTheFileAndResumesOnceSpaceIsFreed) {
  test::TempDir dir;
  SmallDisk disk(dir.file("disk"), "256k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  const auto file = dir.write("s.yaml", test::synthetic_experiment("s") + kSearch);
  const std::string out = dir.file("disk") + "/out";

  const auto full = run_cli("sweep " + file + " --out " + out + kFlags);
  EXPECT_EQ(full.status, 1);
  EXPECT_EQ(lines(full.err), 1) << full.err;
  EXPECT_EQ(full.err.rfind("nnlab: error: " + out + "/", 0), 0u) << full.err;
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;

  // What is left parses: whole rows, at most a cut-short last line (which readers skip).
  const auto kept = objectives(out + "/trials.csv");
  EXPECT_LT(kept.size(), 24u) << "the disk filled before the sweep ended";
  EXPECT_NO_THROW(read_curves(out + "/curves.csv"));
  EXPECT_TRUE(std::filesystem::exists(out + "/sweep.yaml"));

  ASSERT_TRUE(disk.resize("16m"));
  const auto resumed = run_cli("sweep " + file + " --out " + out + kFlags + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  const auto whole = run_cli("sweep " + file + " --out " + dir.file("whole") + kFlags);
  ASSERT_EQ(whole.status, 0) << whole.err;
  const auto after = objectives(out + "/trials.csv");
  EXPECT_EQ(after.size(), 24u);
  EXPECT_EQ(after, objectives(dir.file("whole") + "/trials.csv"))
      << "the same trials and objectives as a sweep that never ran out of space";
  const Curves curves = read_curves(out + "/curves.csv");
  EXPECT_EQ(curves.size(), 24u);
  for (const auto& [trial, metrics] : curves)
    EXPECT_EQ(metrics.begin()->second.size(), 300u) << "trial " << trial << "'s curve is whole";
}

TEST(DiskFull, ARunStopsWithOneLineNamingTheFileAndKeepsWhatItWrote) {
  test::TempDir dir;
  SmallDisk disk(dir.file("disk"), "64k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  const auto file = dir.write("r.yaml", test::synthetic_experiment("r"));
  const std::string out = dir.file("disk") + "/out";

  const auto r = run_cli("run " + file + " --out " + out + " -q --set train.epochs=5000");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("nnlab: error: " + out + "/", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  const Curves curves = read_curves(out + "/curves.csv");
  ASSERT_EQ(curves.size(), 1u);
  EXPECT_GT(curves.at(0).begin()->second.size(), 100u) << "the epochs written before stay";
}

TEST(DiskFull, ADiskWithNoSpaceAtAllLeavesNeitherHalfFilesNorTemporaries) {
  test::TempDir dir;
  SmallDisk disk(dir.file("disk"), "64k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  const auto file = dir.write("r.yaml", test::synthetic_experiment("r"));
  const std::string out = dir.file("disk") + "/out";
  std::filesystem::create_directories(out);
  {  // Fill every block: experiment.yaml, the first file a run writes, cannot be written.
    std::ofstream filler(dir.file("disk") + "/filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size()))) filler.flush();
  }
  const auto r = run_cli("run " + file + " --out " + out + " -q");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "nnlab: error: " + out + "/experiment.yaml: cannot write: No space left on device\n");
  EXPECT_FALSE(std::filesystem::exists(out + "/experiment.yaml.tmp")) << "no temporary left";
  EXPECT_FALSE(std::filesystem::exists(out + "/experiment.yaml")) << "no half file";
}

}  // namespace
}  // namespace nnlab
