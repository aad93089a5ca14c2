// The `idx` dataset: MNIST-format files by path, gzip'd or not. `dataset: fashion-mnist` names the
// files of Debian's dataset-fashion-mnist package; `dir:` any folder with the standard file names;
// train_images / train_labels / test_images / test_labels name files one by one.
#include <filesystem>
#include <map>

#include "components.hpp"
#include "nnlab/dataset.hpp"
#include "nnlab/idx.hpp"

namespace nnlab::datasets {
namespace {

namespace fs = std::filesystem;

/// Folders of the datasets Debian packages.
const std::map<std::string, std::string>& known_datasets() {
  static const std::map<std::string, std::string> known = {
      {"fashion-mnist", "/usr/share/datasets/fashion-mnist"},
  };
  return known;
}

class Idx final : public Dataset {
 public:
  explicit Idx(const Params& params)
      : classes_(static_cast<std::int32_t>(params.integer("classes"))) {
    std::string dir = params.string("dir", "");
    if (params.has("dataset")) {
      const std::string name = params.string("dataset");
      auto it = known_datasets().find(name);
      if (it == known_datasets().end()) {
        std::string known;
        for (const auto& [key, path] : known_datasets()) known += " " + key;
        params.fail("dataset", "unknown dataset '" + name + "' (known:" + known +
                                   "); use dir: or file paths for others");
      }
      if (!dir.empty()) params.fail("dir", "give either dataset or dir, not both");
      dir = it->second;
      if (!fs::exists(dir)) {
        params.fail("dataset", "'" + name + "' is not installed: " + dir +
                                   " is missing (apt-get install dataset-" + name + ")");
      }
    }
    auto file = [&](const char* key, const char* standard) {
      if (params.has(key)) return params.string(key);
      if (dir.empty()) params.fail(key, std::string("missing; give dataset, dir, or ") + key);
      const fs::path plain = fs::path(dir) / standard;
      return fs::exists(plain) ? plain.string() : plain.string() + ".gz";
    };
    train_images_ = file("train_images", "train-images-idx3-ubyte");
    train_labels_ = file("train_labels", "train-labels-idx1-ubyte");
    test_images_ = file("test_images", "t10k-images-idx3-ubyte");
    test_labels_ = file("test_labels", "t10k-labels-idx1-ubyte");
  }

  DataBundle load(const DataRequest& request) override {
    DataBundle data;
    Shape test_shape;
    data.train = read(train_images_, train_labels_, request.train_limit, &data.sample_shape);
    data.test = read(test_images_, test_labels_, request.test_limit, &test_shape);
    if (test_shape != data.sample_shape) {
      throw Error(test_images_ + ": images of " + test_shape.to_string() + ", but " +
                  train_images_ + " has " + data.sample_shape.to_string());
    }
    data.classes = classes_;
    data.description = train_images_ + " (+3 files)";
    return data;
  }

 private:
  static LabeledSet read(const std::string& images, const std::string& labels, std::int64_t limit,
                         Shape* shape) {
    LabeledSet set{read_idx_images(images, limit, shape), read_idx_labels(labels, limit)};
    if (static_cast<std::int64_t>(set.labels.size()) != set.features.rows()) {
      throw Error(labels + ": has " + std::to_string(set.labels.size()) + " labels for " +
                  std::to_string(set.features.rows()) + " images in " + images);
    }
    return set;
  }

  std::int32_t classes_;
  std::string train_images_, train_labels_, test_images_, test_labels_;
};

}  // namespace

void register_idx(Registrar& r) {
  r.datasets.add(
      "idx", &make<Dataset, Idx>,
      Schema("MNIST-format IDX files, gzip'd or not; give dataset, dir, or the four files")
          .optional(ParamType::string, "dataset", "an installed Debian dataset package")
          .forms("fashion-mnist")
          .optional(ParamType::string, "dir", "a folder with the four standard files")
          .optional(ParamType::string, "train_images", "path (default: in dir)")
          .optional(ParamType::string, "train_labels", "path (default: in dir)")
          .optional(ParamType::string, "test_images", "path (default: in dir)")
          .optional(ParamType::string, "test_labels", "path (default: in dir)")
          .integer("classes", 10, "label values 0 .. classes-1")
          .min(2));
}

}  // namespace nnlab::datasets
