// The hostile-input corpus (tests/hostile/, described in its README.md): every case is data, a
// file whose `#!` header says which `nnlab` command to run on it and the one error line expected.
// Each case runs the real CLI in a fresh folder, under a wall-clock limit (a hang fails) and an
// address-space limit (an attempted huge allocation fails instead of swapping), and must end with
// its exit code, exactly one stderr line matching its expectation, and the folder as it was.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(NNLAB_SOURCE_DIR) / "tests/hostile";
/// A case that takes longer has hung: every case fails at validation or at a file's first bad row.
constexpr auto kHangAfter = std::chrono::seconds(20);
/// The child's address space: the built-in plugins, oneDNN and a few threads need well under 1 GiB,
/// so an attempt to allocate what `units: 1e12` asks for fails at once rather than swapping.
constexpr rlim_t kAddressSpace = rlim_t{4} << 30;

struct HostileCase {
  std::string name;  ///< category_name, the test's name
  fs::path file;
  std::vector<std::string> args, setup, env;
  int exit = 1;
  std::string error;  ///< a regex the one stderr line must match (search)
  /// `#! needs: address-limit`: the expected line quotes the 4 GiB address limit the test sets,
  /// which a sanitizer build cannot set (see run_limited).
  bool needs_address_limit = false;
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.file.string(); }

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  const auto end = s.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
}

/// A case file's `#! key: value` header (the leading lines that start with `#!`).
HostileCase read_case(const fs::path& file) {
  HostileCase c;
  c.file = file;
  std::string name = file.parent_path().filename().string() + "_" + file.stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  c.name = name;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line) && line.starts_with("#!")) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(2, colon - 2));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "args") {
      c.args.push_back(value);
    } else if (key == "exit") {
      c.exit = std::stoi(value);
    } else if (key == "error") {
      c.error = value;
    } else if (key == "setup") {
      c.setup.push_back(value);
    } else if (key == "env") {
      c.env.push_back(value);
    } else if (key == "needs" && value == "address-limit") {
      c.needs_address_limit = true;
    } else if (key != "why") {  // `why:` explains the case to its reader
      c.error = "unknown header key '" + key + "' in " + file.string();
    }
  }
  return c;
}

std::vector<HostileCase> discover() {
  std::vector<HostileCase> cases;
  if (!fs::is_directory(kCorpus)) return cases;
  for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".case"))
      cases.push_back(read_case(entry.path()));
  }
  std::sort(cases.begin(), cases.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

const std::vector<HostileCase>& corpus() {
  static const std::vector<HostileCase> cases = discover();
  return cases;
}

/// Whitespace-separated words; single quotes group (`--set 'a=[1, 2]'`).
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, any = false;
  for (char ch : text) {
    if (ch == '\'') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (ch == ' ' || ch == '\t')) {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += ch;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return words;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string regex_escape(const std::string& text) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(text, special, R"(\$&)");
}

/// `{file}`, `{work}`, `{fixtures}`, `{source}` in a header value.
std::string expand(std::string text, const std::map<std::string, std::string>& vars,
                   bool for_regex) {
  for (const auto& [key, value] : vars)
    text = replace_all(text, "{" + key + "}", for_regex ? regex_escape(value) : value);
  return text;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string gzip(const std::string& bytes) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size())) + 64;
  std::string out(size, '\0');
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);  // +16: a gzip wrapper
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

/// A gzip member of 64 MiB of zeros (about 64 KiB): repeated, it makes a bomb whose stream
/// expands a thousandfold, without this test ever holding the expansion.
const std::string& zero_member() {
  static const std::string member = gzip(std::string(std::size_t{64} << 20, '\0'));
  return member;
}

std::uint64_t parse_u64(const std::string& text) { return std::stoull(text, nullptr, 0); }

/// `idx PATH magic=0x803 dims=N,R,C [bytes=K] [fill=V] [gz=plain|gzip|corrupt|bomb:MiB]`: an
/// IDX file with that header; its body is the product of the dims in bytes (labels count 0..9)
/// unless `bytes=` says otherwise. `gzip` compresses it, `corrupt` flips bytes in the compressed
/// stream, `bomb:M` appends gzip members that expand to M more MiB of zeros.
void make_idx(const fs::path& work, const std::vector<std::string>& words) {
  std::map<std::string, std::string> opt = {{"gz", "plain"}};
  for (std::size_t i = 2; i < words.size(); ++i) {
    const auto eq = words[i].find('=');
    opt[words[i].substr(0, eq)] = words[i].substr(eq + 1);
  }
  std::string bytes;
  auto put_u32 = [&](std::uint64_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((v >> shift) & 0xFF);
  };
  put_u32(parse_u64(opt.at("magic")));
  std::uint64_t body = 1;
  std::stringstream dims(opt.at("dims"));
  for (std::string d; std::getline(dims, d, ',');) {
    put_u32(parse_u64(d));
    body *= parse_u64(d);
  }
  if (opt.count("bytes")) body = parse_u64(opt.at("bytes"));
  for (std::uint64_t i = 0; i < body; ++i)
    bytes += static_cast<char>(opt.count("fill") ? parse_u64(opt.at("fill")) : i % 10);
  const std::string gz = opt.at("gz");
  if (gz == "gzip") {
    bytes = gzip(bytes);
  } else if (gz == "corrupt") {
    bytes = gzip(bytes);
    for (std::size_t i = 12; i < bytes.size() - 8; i += 3) bytes[i] = static_cast<char>(~bytes[i]);
  } else if (gz.starts_with("bomb:")) {
    bytes = gzip(bytes);
    const std::uint64_t mib = parse_u64(gz.substr(5));
    for (std::uint64_t m = 0; m < mib; m += 64) bytes += zero_member();
  } else {
    ASSERT_EQ(gz, "plain") << "gz=" << gz;
  }
  write_bytes(work / words[1], bytes);
}

/// Text with C escapes (\n, \t, \\) decoded.
std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// A tiny sweep's and a tiny run's results folders, made once per test binary by the real CLI,
/// for the cases that tamper with results files.
const fs::path& reference_results() {
  static const test::TempDir dir;
  static std::once_flag made;
  std::call_once(made, [] {
    const std::string search =
        "search:\n"
        "  kind: grid\n"
        "  objective: {metric: test_acc, mode: max}\n"
        "  space:\n"
        "    optimizer.lr: {values: [0.05, 0.1]}\n"
        "    train.batch_size: {distribution: int, min: 20, max: 30, step: 10}\n";
    const auto sweep = dir.write("sweep.yaml", test::synthetic_experiment("ref", search));
    const auto run = dir.write("run.yaml", test::synthetic_experiment("ref"));
    const auto s = test::run_cli("sweep " + sweep + " -q --parallel 1 --set train.epochs=2 --out " +
                                 dir.file("sweep"));
    const auto r =
        test::run_cli("run " + run + " -q --set train.epochs=2 --out " + dir.file("run"));
    if (s.status != 0 || r.status != 0) ADD_FAILURE() << s.err << r.err;
  });
  return dir.path();
}

/// `edit PATH REGEX => REPLACEMENT`: the first match in the file replaced (ECMAScript syntax,
/// `$1` for groups); the case fails if nothing matches, so a tampering can't silently do nothing.
void edit_file(const fs::path& path, const std::string& spec) {
  // The header's value is trimmed, so an empty replacement ends the line with " =>".
  const auto arrow = spec.find(" =>");
  ASSERT_NE(arrow, std::string::npos) << "edit needs ' => ': " << spec;
  std::string replacement = spec.substr(arrow + 3);
  if (replacement.starts_with(' ')) replacement.erase(0, 1);
  const std::regex pattern(spec.substr(0, arrow), std::regex::multiline);
  const std::string text = test::slurp(path.string());
  ASSERT_TRUE(std::regex_search(text, pattern)) << path << " has no match for " << spec;
  const std::string edited = std::regex_replace(text, pattern, unescape(replacement),
                                                std::regex_constants::format_first_only);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << edited;
}

void run_setup(const fs::path& work, const std::string& line,
               const std::map<std::string, std::string>& vars) {
  const std::string expanded = expand(line, vars, false);
  const auto words = split_words(expanded);
  ASSERT_GE(words.size(), 2u) << line;
  const std::string& op = words[0];
  const fs::path target = work / words[1];
  if (op == "idx") {
    make_idx(work, words);
  } else if (op == "text") {
    // The rest of the line, after `text PATH `, with escapes.
    const auto at = expanded.find(words[1]) + words[1].size();
    write_bytes(target, unescape(at < expanded.size() ? expanded.substr(at + 1) : ""));
  } else if (op == "copy") {
    ASSERT_EQ(words.size(), 3u) << line;
    fs::create_directories((work / words[2]).parent_path());
    fs::copy(words[1], work / words[2], fs::copy_options::recursive);
  } else if (op == "mkdir") {
    fs::create_directories(target);
  } else if (op == "chmod") {
    ASSERT_EQ(words.size(), 3u) << line;
    fs::permissions(work / words[2], static_cast<fs::perms>(std::stoi(words[1], nullptr, 8)));
  } else if (op == "remove") {
    fs::remove_all(target);
  } else if (op == "sweep-results" || op == "run-results") {
    fs::copy(reference_results() / (op == "sweep-results" ? "sweep" : "run"), target,
             fs::copy_options::recursive);
  } else if (op == "edit") {
    edit_file(target, expanded.substr(expanded.find(words[1]) + words[1].size() + 1));
  } else {
    FAIL() << "unknown setup operation '" << op << "' in: " << line;
  }
}

/// Every file and folder under `dir`, with its mode and contents: what the case must not change.
/// The folder lock (`.nnlab.lock`) is left out: taking it is how a reader starts, not a result.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename() == ".nnlab.lock") continue;
    struct stat st {};
    ::lstat(entry.path().c_str(), &st);
    std::string state = std::to_string(st.st_mode) + ":";
    if (entry.is_regular_file() && st.st_size < (1 << 20)) state += test::slurp(entry.path());
    if (entry.is_regular_file()) state += ":" + std::to_string(st.st_size);
    files[fs::relative(entry.path(), dir).string()] = state;
  }
  return files;
}

struct Finished {
  bool hung = false;
  int status = 0;  ///< the raw wait status
  double seconds = 0;
};

/// Runs nnlab with `args` in `cwd` under the limits, stderr to `err`, stdout to `out`.
Finished run_limited(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const fs::path& cwd, const fs::path& out, const fs::path& err) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = fork();
  if (child == 0) {
    if (::chdir(cwd.c_str()) != 0) _exit(126);
    const rlimit core{0, 0};
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    const rlimit as{kAddressSpace, kAddressSpace};
    // A sanitizer reserves terabytes of shadow address space: under one, the address limit would
    // stop the child before main. Sizes are refused by nnlab's own checks before any allocation
    // (nnlab/memory.hpp), and ASan's allocator aborts on a huge one, so the check still stands.
    setrlimit(RLIMIT_AS, &as);
#endif
    setrlimit(RLIMIT_CORE, &core);
    std::FILE* o = std::freopen(out.c_str(), "w", stdout);
    std::FILE* e = std::freopen(err.c_str(), "w", stderr);
    if (!o || !e) _exit(126);
    for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv = {const_cast<char*>("nnlab")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(NNLAB_CLI, argv.data());
    _exit(127);
  }
  Finished f;
  while (true) {
    const pid_t done = waitpid(child, &f.status, WNOHANG);
    if (done == child) break;
    if (std::chrono::steady_clock::now() - start > kHangAfter) {
      ::kill(child, SIGKILL);
      waitpid(child, &f.status, 0);
      f.hung = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return f;
}

class HostileCorpus : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileCorpus, FailsWithOneLineAndWritesNothing) {
  const HostileCase& c = GetParam();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  if (c.needs_address_limit)
    GTEST_SKIP() << "needs the 4 GiB address limit, not set under a sanitizer";
#endif
  ASSERT_FALSE(c.args.empty()) << c.file << ": no '#! args:' line";
  ASSERT_FALSE(c.error.empty()) << c.file << ": no '#! error:' line";
  test::TempDir work, logs;
  const fs::path copy = work.path() / c.file.filename();
  fs::copy_file(c.file, copy);
  const std::map<std::string, std::string> vars = {{"file", copy.string()},
                                                   {"work", work.path().string()},
                                                   {"fixtures", NNLAB_TEST_FIXTURES},
                                                   {"source", NNLAB_SOURCE_DIR}};
  for (const auto& step : c.setup) {
    run_setup(work.path(), step, vars);
    if (HasFatalFailure()) return;
  }
  std::vector<std::string> args;
  for (const auto& a : c.args)
    for (const auto& w : split_words(expand(a, vars, false))) args.push_back(w);
  std::vector<std::string> env;
  for (const auto& e : c.env) env.push_back(expand(e, vars, false));

  const auto before = snapshot(work.path());
  const Finished f = run_limited(args, env, work.path(), logs.path() / "out", logs.path() / "err");
  const std::string err = test::slurp((logs.path() / "err").string());
  ASSERT_FALSE(f.hung) << "hang: no exit after " << kHangAfter.count() << " s; stderr:\n" << err;
  ASSERT_TRUE(WIFEXITED(f.status))
      << "killed by signal " << WTERMSIG(f.status) << " (a crash); stderr:\n"
      << err;
  EXPECT_EQ(WEXITSTATUS(f.status), c.exit) << err;
  ASSERT_TRUE(!err.empty() && err.back() == '\n' && std::count(err.begin(), err.end(), '\n') == 1)
      << "expected exactly one stderr line, got:\n"
      << err;
  const std::string line = err.substr(0, err.size() - 1);
  EXPECT_TRUE(line.starts_with("nnlab")) << line;
  const std::string pattern = expand(c.error, vars, true);
  EXPECT_TRUE(std::regex_search(line, std::regex(pattern)))
      << "  line: " << line << "\nexpected: " << pattern;
  EXPECT_EQ(snapshot(work.path()), before) << "the case's folder changed: something was written";
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileCorpus, ::testing::ValuesIn(corpus()),
                         [](const auto& p) { return p.param.name; });

TEST(HostileCorpusSize, HoldsAtLeast150Cases) {
  // The corpus is data: a deleted folder must not pass as a corpus that still holds.
  EXPECT_GE(corpus().size(), 150u) << "cases found under " << kCorpus;
}

}  // namespace
}  // namespace nnlab
