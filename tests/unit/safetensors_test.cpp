// The safetensors format and model.safetensors: what is written reads back bit for bit, Python
// reads it with numpy alone (the README's lines), and every lie a file can tell is one error
// naming the file and the tensor, with nothing loaded halfway.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "checkpoint.hpp"
#include "graph.hpp"
#include "model_file.hpp"
#include "results/csv.hpp"
#include "results/safetensors.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

SafeTensors sample() {
  SafeTensors f;
  f.metadata = {{"format", "test"}, {"note", "two tensors"}};
  const std::vector<float> b = {1.5f, -2.0f, 1e-30f}, w = {0.1f, 0.2f, 0.3f, 0.4f};
  f.tensors["b"] = SafeTensor::of<float>({3}, b);
  f.tensors["a.W"] = SafeTensor::of<float>({2, 2}, w);
  return f;
}

std::string decode_error(const std::string& bytes) {
  return test::error_of([&] { decode_safetensors(bytes, "m.safetensors"); });
}

/// `bytes` with its JSON header replaced by `header` (padded), keeping the data.
std::string with_header(const std::string& bytes, std::string header) {
  std::uint64_t old = 0;
  std::memcpy(&old, bytes.data(), 8);
  const std::uint64_t length = header.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &length, 8);
  return out + header + bytes.substr(8 + old);
}

TEST(Safetensors, ReadsBackWhatItWrote) {
  const SafeTensors f = sample();
  const std::string bytes = encode_safetensors(f);
  std::uint64_t length = 0;
  std::memcpy(&length, bytes.data(), 8);
  EXPECT_EQ(length % 8, 0u) << "the header is padded to 8 bytes";
  EXPECT_EQ(bytes.size(), 8 + length + 7 * sizeof(float));
  const SafeTensors back = decode_safetensors(bytes, "m.safetensors");
  EXPECT_EQ(back.metadata, f.metadata);
  ASSERT_EQ(back.tensors.size(), 2u);
  for (const auto& [name, t] : f.tensors) {
    EXPECT_EQ(back.tensors.at(name).shape, t.shape) << name;
    EXPECT_EQ(back.tensors.at(name).dtype, DType::f32) << name;
    EXPECT_EQ(back.tensors.at(name).values<float>(), t.values<float>()) << name;
  }
}

TEST(Safetensors, EveryLieIsOneErrorNamingTheFileAndTheTensor) {
  const std::string good = encode_safetensors(sample());
  EXPECT_EQ(decode_error(good.substr(0, 5)),
            "m.safetensors: not a safetensors file: shorter than its 8-byte header length");
  EXPECT_NE(decode_error(good.substr(0, good.size() - 4)).find("bytes"), std::string::npos);
  std::string huge = good;
  const std::uint64_t lie = 1ull << 40;
  std::memcpy(huge.data(), &lie, 8);
  EXPECT_NE(decode_error(huge).find("its header claims 1099511627776 bytes"), std::string::npos);
  EXPECT_NE(decode_error(with_header(good, "{\"a.W\": ")).find("not valid JSON"),
            std::string::npos);
  EXPECT_EQ(decode_error(with_header(good, "[1, 2]")),
            "m.safetensors: the safetensors header is not a JSON object");
  const std::string b = R"("b": {"dtype": "F32", "shape": [3], "data_offsets": [16, 28]})";
  EXPECT_EQ(decode_error(with_header(
                good, R"({"a.W": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 16]}, )" +
                          b + "}")),
            "m.safetensors: tensor 'a.W': its shape [2,2] needs 32 bytes of F64, data_offsets "
            "give 16");
  EXPECT_EQ(decode_error(with_header(
                good, R"({"a.W": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 16]}, )" +
                          b + "}")),
            "m.safetensors: tensor 'a.W': its shape [2,3] needs 24 bytes of F32, data_offsets give "
            "16");
  EXPECT_EQ(decode_error(with_header(
                good, R"({"a.W": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, )"
                      R"("b": {"dtype": "F32", "shape": [3], "data_offsets": [20, 32]}})")),
            "m.safetensors: tensor 'b': data_offsets [20, 32] lie outside the 28 data bytes");
  EXPECT_EQ(decode_error(with_header(
                good, R"({"a.W": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, )"
                      R"("b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}})")),
            "m.safetensors: tensor 'b' starts at byte 12, expected 16 (tensors must not overlap "
            "or leave gaps)");
  EXPECT_EQ(decode_error(with_header(
                good, R"({"a.W": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, )"
                      R"("b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}})")),
            "m.safetensors: 4 data bytes after the last tensor belong to none");
  EXPECT_EQ(decode_error(with_header(good, R"({"a.W": {"dtype": "F32", "shape": [-2, 2]}})")),
            "m.safetensors: tensor 'a.W': expected {dtype, shape, data_offsets}");
  EXPECT_EQ(decode_error(with_header(
                good, R"({"a.W": {"dtype": "F32", "shape": [-2, 2], "data_offsets": [0, 16]}})")),
            "m.safetensors: tensor 'a.W': a dimension is not a non-negative integer");
}

std::string cnn_experiment() {
  return "name: cnn\ndata: {kind: synthetic}\nmodel:\n  layers:\n"
         "    - {kind: conv2d, filters: 3, kernel: 2, name: conv}\n"
         "    - {kind: batch_norm, stats: paper, name: bn}\n"
         "    - {kind: relu}\n"
         "    - {kind: dense, units: 4, name: out}\n"
         "  loss: {kind: softmax_cross_entropy}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
}

TEST(ModelFile, SavesParametersAndStateAndLoadsThemIntoAFreshGraph) {
  test::TempDir dir;
  const auto spec = parse_experiment(cnn_experiment(), "cnn.yaml");
  Graph trained(spec.model, Shape{2, 4, 4}, test::builtin_host(), 1);
  // Stand-ins for training: distinct values in every parameter and statistic.
  float v = 0.25f;
  for (Parameter* p : trained.parameters())
    for (std::int64_t i = 0; i < p->value.size(); ++i) p->value.data()[i] = v += 0.125f;
  for (const StateTensor& t : trained.state())
    for (std::int64_t i = 0; i < t.value->size(); ++i) t.value->data()[i] = v += 0.5f;
  save_model(trained, spec, dir.file("model.safetensors"));

  const SafeTensors file = read_safetensors(dir.file("model.safetensors"));
  EXPECT_EQ(file.metadata.at("format"), "nnlab-model");
  EXPECT_EQ(file.metadata.at("experiment"), spec.resolved_yaml);
  EXPECT_EQ(file.tensors.at("conv.W").shape, (std::vector<std::int64_t>{3, 2, 2, 2}));
  EXPECT_EQ(file.tensors.at("conv.b").shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(file.tensors.at("bn.running_var").shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(file.tensors.at("out.W").shape, (std::vector<std::int64_t>{27, 4}));

  Graph fresh(spec.model, Shape{2, 4, 4}, test::builtin_host(), 2);
  load_model(fresh, dir.file("model.safetensors"));
  for (std::size_t i = 0; i < trained.parameters().size(); ++i) {
    const Matrix& a = trained.parameters()[i]->value;
    const Matrix& b = fresh.parameters()[i]->value;
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), sizeof(float) * a.size()));
  }
  const auto sa = trained.state(), sb = fresh.state();
  ASSERT_EQ(sa.size(), 2u);
  for (std::size_t i = 0; i < sa.size(); ++i)
    EXPECT_EQ(0, std::memcmp(sa[i].value->data(), sb[i].value->data(),
                             sizeof(float) * sa[i].value->size()));
}

TEST(ModelFile, AModelOfAnotherGraphOrAMissingTensorLoadsNothing) {
  test::TempDir dir;
  const auto spec = parse_experiment(cnn_experiment(), "cnn.yaml");
  Graph saved(spec.model, Shape{2, 4, 4}, test::builtin_host(), 1);
  save_model(saved, spec, dir.file("m.safetensors"));
  // Another graph: more filters.
  std::string other = cnn_experiment();
  other.replace(other.find("filters: 3"), 10, "filters: 5");
  const auto other_spec = parse_experiment(other, "other.yaml");
  Graph wrong(other_spec.model, Shape{2, 4, 4}, test::builtin_host(), 1);
  const float before = wrong.parameters()[0]->value.data()[0];
  EXPECT_EQ(test::error_of([&] { load_model(wrong, dir.file("m.safetensors")); }),
            dir.file("m.safetensors") +
                ": a model of another graph: node 0 is {\"name\":\"conv\",\"shape\":[3,3,3]}, "
                "this experiment's is conv 5x3x3");
  EXPECT_EQ(wrong.parameters()[0]->value.data()[0], before) << "nothing loaded";
  // The same graph, but a tensor renamed in the file: named, and nothing loaded.
  SafeTensors file = read_safetensors(dir.file("m.safetensors"));
  auto node = file.tensors.extract("bn.running_mean");
  node.key() = "bn.running_avg";
  file.tensors.insert(std::move(node));
  write_file_atomically(dir.file("renamed.safetensors"), encode_safetensors(file));
  Graph fresh(spec.model, Shape{2, 4, 4}, test::builtin_host(), 9);
  const float w = fresh.parameters()[0]->value.data()[0];
  EXPECT_EQ(test::error_of([&] { load_model(fresh, dir.file("renamed.safetensors")); }),
            dir.file("renamed.safetensors") + ": tensor 'bn.running_mean' is missing");
  EXPECT_EQ(fresh.parameters()[0]->value.data()[0], w);
}

// The README's numpy reader, run as written there, agrees with nnlab's values bit for bit.
TEST(ModelFile, NumpyReadsItWithTheReadmesLines) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "Debian's python3 with python3-numpy is not installed";
  test::TempDir dir;
  const auto spec = parse_experiment(cnn_experiment(), "cnn.yaml");
  Graph graph(spec.model, Shape{2, 4, 4}, test::builtin_host(), 4);
  save_model(graph, spec, dir.file("model.safetensors"));
  // The reader as the README has it: from its `def` to the end of its code block.
  const std::string readme = test::slurp(std::string(NNLAB_SOURCE_DIR) + "/README.md");
  const auto begin = readme.find("def load_safetensors(path):");
  ASSERT_NE(begin, std::string::npos) << "the README shows the reader";
  const std::string reader = readme.substr(begin, readme.find("```", begin) - begin);
  const std::string script =
      dir.write("read.py", "import json, struct, sys\nimport numpy as np\n\n" + reader + R"(
arrays, meta = load_safetensors(sys.argv[1])
for name in sorted(arrays):
    a = arrays[name]
    print(name, "x".join(map(str, a.shape)), " ".join(v.hex() for v in a.ravel().astype(np.float64)))
)");
  const std::string command = "/usr/bin/python3 " + script + " " + dir.file("model.safetensors") +
                              " >" + dir.file("out.txt");
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string out = test::slurp(dir.file("out.txt"));
  std::map<std::string, std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines[line.substr(0, line.find(' '))] = line;
  for (const Parameter* p : graph.parameters()) {
    ASSERT_TRUE(lines.count(p->name)) << out;
    std::istringstream fields(lines[p->name]);
    std::string name, shape, hex;
    fields >> name >> shape;
    for (std::int64_t i = 0; i < p->value.size(); ++i) {
      fields >> hex;
      EXPECT_EQ(std::strtod(hex.c_str(), nullptr), static_cast<double>(p->value.data()[i]))
          << p->name << "[" << i << "]";
    }
  }
}

// The same lines read a checkpoint's F64, I64 and U8 entries.
TEST(ModelFile, NumpyReadsACheckpointsFloat64AndIntegerEntries) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "Debian's python3 with python3-numpy is not installed";
  test::TempDir dir;
  const std::string readme = test::slurp(std::string(NNLAB_SOURCE_DIR) + "/README.md");
  const auto begin = readme.find("def load_safetensors(path):");
  ASSERT_NE(begin, std::string::npos);
  const std::string script =
      dir.write("read.py", "import json, struct, sys\nimport numpy as np\n\n" +
                               readme.substr(begin, readme.find("```", begin) - begin) + R"(
arrays, meta = load_safetensors(sys.argv[1])
print(meta["format"], arrays["m"].dtype, repr(arrays["m"].tolist()), arrays["t"].dtype,
      arrays["t"].tolist(), arrays["rng"].dtype, len(arrays["rng"]))
)");
  std::vector<double> m = {0.1, -1e-300, 12345.678901234567};
  std::vector<std::int64_t> t = {-3, std::int64_t{1} << 40};
  Rng engine(5);
  save_checkpoint(
      dir.file("c.safetensors"),
      {{"m", std::span<double>(m)}, {"t", std::span<std::int64_t>(t)}, {"rng", &engine}},
      "name: x\n", {});
  const std::string command =
      "/usr/bin/python3 " + script + " " + dir.file("c.safetensors") + " >" + dir.file("out.txt");
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ostringstream text;
  text << engine;
  EXPECT_EQ(test::slurp(dir.file("out.txt")),
            "nnlab-checkpoint float64 [0.1, -1e-300, 12345.678901234567] int64 [-3, 1099511627776] "
            "uint8 " +
                std::to_string(text.str().size()) + "\n");
}

}  // namespace
}  // namespace nnlab
