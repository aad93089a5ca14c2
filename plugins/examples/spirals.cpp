// A dataset: interleaved spirals (the classic toy problem no linear model can solve), one arm per
// class, with Gaussian noise. Seeded by data.seed (or the experiment's seed), so every trial of a
// sweep sees the same points.
#include <cmath>
#include <numbers>
#include <random>

#include <nnlab/dataset.hpp>
#include <nnlab/plugin.hpp>

namespace {

class Spirals final : public nnlab::Dataset {
 public:
  explicit Spirals(const nnlab::Params& params)
      : classes_(params.integer("classes")),
        train_(params.integer("train")),
        test_(params.integer("test")),
        noise_(params.number("noise")) {}

  nnlab::DataBundle load(const nnlab::DataRequest& request) override {
    std::mt19937_64 rng(request.seed);
    auto generate = [&](std::int64_t n) {
      nnlab::LabeledSet set{nnlab::Matrix(n, 2),
                            std::vector<std::int32_t>(static_cast<std::size_t>(n))};
      std::uniform_real_distribution<double> radius(0.05, 1.0);
      std::normal_distribution<double> jitter(0.0, noise_);
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t label = i % classes_;
        const double r = radius(rng);
        const double angle = 4.0 * r + 2.0 * std::numbers::pi * static_cast<double>(label) /
                                           static_cast<double>(classes_);
        set.features.at(i, 0) = static_cast<float>(r * std::cos(angle) + jitter(rng));
        set.features.at(i, 1) = static_cast<float>(r * std::sin(angle) + jitter(rng));
        set.labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(label);
      }
      return set;
    };
    nnlab::DataBundle data;
    data.train = generate(request.train_limit > 0 ? std::min(request.train_limit, train_) : train_);
    data.test = generate(request.test_limit > 0 ? std::min(request.test_limit, test_) : test_);
    data.classes = static_cast<std::int32_t>(classes_);
    data.description = "spirals: " + std::to_string(classes_) + " arms";
    return data;
  }

 private:
  std::int64_t classes_, train_, test_;
  double noise_;
};

void register_components(nnlab::Registrar& r) {
  r.datasets.add("spirals", &nnlab::make<nnlab::Dataset, Spirals>,
                 nnlab::Schema("interleaved 2-D spirals, one arm per class (seeded)")
                     .integer("classes", 3, "arms")
                     .min(2)
                     .integer("train", 600, "training points")
                     .min(1)
                     .integer("test", 300, "test points")
                     .min(0)
                     .number("noise", 0.02, "std of the Gaussian jitter")
                     .min(0));
}

}  // namespace

NNLAB_PLUGIN("my_spirals", "1.0", register_components)
