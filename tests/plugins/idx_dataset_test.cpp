// The idx dataset plugin on IDX files the test writes: plain and gzip'd, limits, and broken files.
#include <gtest/gtest.h>
#include <zlib.h>

#include "data.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

std::vector<unsigned char> header(std::uint32_t magic, std::vector<std::uint32_t> dims) {
  std::vector<unsigned char> out;
  auto put = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<unsigned char>(v >> shift));
  };
  put(magic);
  for (auto d : dims) put(d);
  return out;
}

std::vector<unsigned char> images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  auto out = header(0x803, {n, rows, cols});
  for (std::uint32_t i = 0; i < n * rows * cols; ++i)
    out.push_back(static_cast<unsigned char>((i * 7) % 256));
  return out;
}

std::vector<unsigned char> labels(std::uint32_t n) {
  auto out = header(0x801, {n});
  for (std::uint32_t i = 0; i < n; ++i) out.push_back(static_cast<unsigned char>(i % 10));
  return out;
}

std::string write(const test::TempDir& dir, const std::string& name,
                  const std::vector<unsigned char>& bytes, bool gzip) {
  const std::string path = dir.file(name);
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  return path;
}

ComponentSpec idx_spec(const std::string& yaml_params) {
  const std::string yaml = "name: d\ndata: {kind: idx, " + yaml_params +
                           "}\nmodel: {layers: [{kind: dense, units: 10}], loss: {kind: "
                           "mse}}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  return parse_experiment(yaml, "d.yaml").data.source;
}

DataBundle load(const std::string& yaml_params, std::int64_t train_limit = -1) {
  auto dataset = test::builtin_host().create(test::builtin_host().registries().datasets,
                                             idx_spec(yaml_params));
  return dataset->load({train_limit, -1, 1});
}

class IdxFiles : public ::testing::TestWithParam<bool> {};

TEST_P(IdxFiles, ReadsImagesAndLabelsByPath) {
  const bool gzip = GetParam();
  test::TempDir dir;
  const auto ti = write(dir, "ti", images(12, 3, 2), gzip), tl = write(dir, "tl", labels(12), gzip);
  const auto vi = write(dir, "vi", images(5, 3, 2), gzip), vl = write(dir, "vl", labels(5), gzip);
  const auto data = load("train_images: " + ti + ", train_labels: " + tl + ", test_images: " + vi +
                         ", test_labels: " + vl);
  ASSERT_EQ(data.train.features.rows(), 12);
  ASSERT_EQ(data.train.features.cols(), 6);
  EXPECT_EQ(data.test.features.rows(), 5);
  EXPECT_EQ(data.classes, 10);
  for (std::int64_t i = 0; i < data.train.features.size(); ++i)
    EXPECT_EQ(data.train.features.data()[i], static_cast<float>((i * 7) % 256));
  for (std::size_t i = 0; i < 12; ++i)
    EXPECT_EQ(data.train.labels[i], static_cast<std::int32_t>(i % 10));
}

INSTANTIATE_TEST_SUITE_P(PlainAndGzip, IdxFiles, ::testing::Values(false, true));

TEST(IdxDataset, ADirWithStandardNamesAndATrainLimit) {
  test::TempDir dir;
  write(dir, "train-images-idx3-ubyte.gz", images(20, 2, 2), true);
  write(dir, "train-labels-idx1-ubyte.gz", labels(20), true);
  write(dir, "t10k-images-idx3-ubyte", images(4, 2, 2), false);
  write(dir, "t10k-labels-idx1-ubyte", labels(4), false);
  const auto data = load("dir: " + dir.path().string(), 7);
  EXPECT_EQ(data.train.features.rows(), 7);
  EXPECT_EQ(data.train.labels.size(), 7u);
  EXPECT_EQ(data.test.features.rows(), 4);
}

TEST(IdxDataset, TruncatedImagesAreAnErrorNamingTheFile) {
  test::TempDir dir;
  auto bytes = images(10, 3, 3);
  // erase, not resize(size() - 20): GCC 12 with -fsanitize=address warns (-Wstringop-overflow)
  // about resize's growing branch, which a shrink never takes.
  bytes.erase(bytes.end() - 20, bytes.end());
  const auto ti = write(dir, "ti.gz", bytes, true), tl = write(dir, "tl", labels(10), false);
  const auto message = test::error_of([&] {
    load("train_images: " + ti + ", train_labels: " + tl + ", test_images: " + ti +
         ", test_labels: " + tl);
  });
  EXPECT_EQ(message, ti + ": truncated: the header promises 10 images, but only 7 are present");
}

TEST(IdxDataset, ACountBeyondTheFileIsTruncationNotAHugeAllocation) {
  // Found by fuzz_idx: the reader allocated what the header promised (here 2.9 TB) before reading.
  test::TempDir dir;
  auto bytes = header(0x00000803, {0xFFFFFFFF, 28, 28});
  bytes.resize(bytes.size() + 2 * 28 * 28, 7);
  const auto ti = write(dir, "ti", bytes, false), tl = write(dir, "tl", labels(2), false);
  EXPECT_EQ(test::error_of([&] {
              load("train_images: " + ti + ", train_labels: " + tl + ", test_images: " + ti +
                   ", test_labels: " + tl);
            }),
            ti + ": truncated: the header promises 4294967295 images, but only 2 are present");
}

TEST(IdxDataset, TruncatedHeaderAndLabels) {
  test::TempDir dir;
  const auto ti = write(dir, "ti", {0, 0, 8, 3, 0, 0}, false);
  const auto ok_images = write(dir, "ok", images(3, 1, 1), false);
  auto short_labels = labels(3);
  short_labels.pop_back();
  const auto tl = write(dir, "tl", short_labels, false);
  EXPECT_EQ(test::error_of([&] {
              load("train_images: " + ti + ", train_labels: " + tl + ", test_images: " + ti +
                   ", test_labels: " + tl);
            }),
            ti + ": truncated header: no image count");
  EXPECT_EQ(test::error_of([&] {
              load("train_images: " + ok_images + ", train_labels: " + tl +
                   ", test_images: " + ok_images + ", test_labels: " + tl);
            }),
            tl + ": truncated: the header promises 3 labels, but only 2 are present");
}

TEST(IdxDataset, ABadMagicNumberIsNamed) {
  test::TempDir dir;
  const auto li = write(dir, "labels-as-images", labels(3), false);
  const auto message = test::error_of([&] {
    load("train_images: " + li + ", train_labels: " + li + ", test_images: " + li +
         ", test_labels: " + li);
  });
  EXPECT_EQ(message, li + ": not an IDX image file (magic number 0x00000801, expected 0x00000803)");
}

TEST(IdxDataset, MismatchedCountsAndMissingFiles) {
  test::TempDir dir;
  const auto ti = write(dir, "ti", images(4, 1, 1), false), tl = write(dir, "tl", labels(3), false);
  EXPECT_NE(test::error_of([&] {
              load("train_images: " + ti + ", train_labels: " + tl + ", test_images: " + ti +
                   ", test_labels: " + tl);
            }).find("has 3 labels for 4 images"),
            std::string::npos);
  EXPECT_EQ(test::error_of([&] { load("dir: /nonexistent"); }),
            "/nonexistent/train-images-idx3-ubyte.gz: cannot open (no such file, or not readable)");
}

TEST(IdxDataset, ParameterErrorsNameTheKey) {
  EXPECT_NE(test::error_of([] {
              load("dataset: mnist-digits");
            }).find("data.dataset: unknown dataset 'mnist-digits'"),
            std::string::npos);
  EXPECT_NE(test::error_of([] {
              load("classes: 1, dir: /tmp");
            }).find("data.classes: expected a value in [2, inf), got '1'"),
            std::string::npos);
  EXPECT_NE(test::error_of([] { load("train_images: /x"); }).find("data.train_labels: missing"),
            std::string::npos);
}

TEST(IdxDataset, FashionMnistFromTheDebianPackage) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const auto data = load("dataset: fashion-mnist", 300);
  EXPECT_EQ(data.train.features.rows(), 300);
  EXPECT_EQ(data.train.features.cols(), 784);
  EXPECT_EQ(data.test.features.rows(), 10000);
  EXPECT_EQ(*std::max_element(data.train.features.data(),
                              data.train.features.data() + data.train.features.size()),
            255.0f);
}

}  // namespace
}  // namespace nnlab
