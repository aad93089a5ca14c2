// The CMA-ES state behind `cmaes`, driven directly: it finds the minimum of a sphere while σ
// shrinks, learns an ellipsoid's scaling in C, grows σ on a slope, keeps samples in the box (with
// the `cmaes` package's resampling as Optuna configures it), and each generation's update equals
// a float64 reference written from the tutorial's equations.
#include "cma_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "nnlab/error.hpp"

namespace nnlab::search {
namespace {

/// Runs `generations` generations of `state` on f; the best value seen.
double run(CmaState& state, const std::function<double(const Eigen::VectorXd&)>& f, int generations,
           Rng& rng) {
  double best = HUGE_VAL;
  for (int g = 0; g < generations; ++g) {
    std::vector<CmaState::Solution> solutions;
    for (int i = 0; i < state.population_size(); ++i) {
      Eigen::VectorXd x = state.sample(rng);
      const double y = f(x);
      best = std::min(best, y);
      solutions.emplace_back(std::move(x), y);
    }
    state.update(std::move(solutions));
  }
  return best;
}

Eigen::VectorXd box(int n, double v) { return Eigen::VectorXd::Constant(n, v); }

TEST(CmaState, TheMeanConvergesToTheMinimumOfASphereAndSigmaShrinks) {
  Eigen::VectorXd centre(4);
  centre << 0.3, 0.7, 0.6, 0.2;
  for (std::uint64_t seed : {1, 2, 3}) {
    CmaState state(box(4, 0.5), 1.0 / 6, 0, box(4, 0), box(4, 1));
    EXPECT_EQ(state.population_size(), 8);  // 4 + floor(3 ln 4)
    Rng rng(seed);
    const double best = run(
        state, [&](const Eigen::VectorXd& x) { return (x - centre).squaredNorm(); }, 150, rng);
    EXPECT_EQ(state.generation(), 150);
    EXPECT_LT((state.mean() - centre).norm(), 1e-6) << seed;
    EXPECT_LT(state.sigma(), 1e-5 / 6) << seed;
    EXPECT_LT(best, 1e-12) << seed;
  }
}

TEST(CmaState, TheCovarianceLearnsAnEllipsoidsScaling) {
  // f = sum 10^(4 i / (n-1)) x_i^2: the Hessian's condition number is 1e4, so a well-adapted C
  // (≈ the inverse Hessian, up to a factor) has its largest variance along x_0 and its smallest
  // along x_4, about 1e4 apart.
  const int n = 5;
  Eigen::VectorXd scale(n);
  for (int i = 0; i < n; ++i) scale[i] = std::pow(10.0, 4.0 * i / (n - 1));
  CmaState state(box(n, 0.5), 0.2, 0, box(n, -10), box(n, 10));
  Rng rng(7);
  run(
      state, [&](const Eigen::VectorXd& x) { return scale.dot(x.cwiseAbs2()); }, 400, rng);
  const Eigen::MatrixXd& c = state.covariance();
  const double ratio = c(0, 0) / c(n - 1, n - 1);
  EXPECT_GT(ratio, 1e3);
  EXPECT_LT(ratio, 1e5);
  for (int i = 0; i + 1 < n; ++i) EXPECT_GT(c(i, i), c(i + 1, i + 1)) << i;
  EXPECT_LT(state.mean().norm(), 1e-6);
}

TEST(CmaState, SigmaGrowsOnASlope) {
  // On a linear function selection always points the same way: p_σ grows longer than a random
  // walk's and cumulative step-size adaptation increases σ.
  CmaState state(box(3, 0), 0.01, 0, box(3, -1e9), box(3, 1e9));
  Rng rng(3);
  run(
      state, [](const Eigen::VectorXd& x) { return x[0]; }, 30, rng);
  EXPECT_GT(state.sigma(), 0.1);
  EXPECT_LT(state.mean()[0], -0.1);
}

TEST(CmaState, SamplesStayInTheBox) {
  // σ as large as the box: most raw draws fall outside; after 10 n redraws the draw is clipped.
  CmaState state(box(2, 0.9), 1.0, 0, box(2, 0), box(2, 1));
  Rng rng(5);
  for (int i = 0; i < 2000; ++i) {
    const Eigen::VectorXd x = state.sample(rng);
    ASSERT_TRUE((x.array() >= 0).all() && (x.array() <= 1).all()) << x.transpose();
  }
}

/// One CMA-ES generation straight from the tutorial (Hansen 2016, eqs. 41–57 and p. 28), with
/// scalar loops and C^(−1/2) from Eigen's operatorInverseSqrt(): the reference CmaState::update
/// is checked against, generation by generation.
struct Reference {
  int n, lambda, mu;
  std::vector<double> w;
  double mu_eff, c_sigma, d_sigma, c_c, c_1, c_mu, chi_n;
  Eigen::VectorXd m, p_sigma, p_c;
  double sigma;
  Eigen::MatrixXd c;
  int g = 0;

  Reference(const Eigen::VectorXd& mean, double sigma0, int lambda_)
      : n(static_cast<int>(mean.size())), lambda(lambda_), mu(lambda_ / 2), m(mean), sigma(sigma0) {
    const double dn = n;
    std::vector<double> prime(static_cast<std::size_t>(lambda));
    for (int i = 1; i <= lambda; ++i)
      prime[static_cast<std::size_t>(i - 1)] = std::log((lambda + 1) / 2.0) - std::log(i);
    double s1 = 0, s2 = 0, t1 = 0, t2 = 0;
    for (int i = 0; i < lambda; ++i) {
      const double v = prime[static_cast<std::size_t>(i)];
      (i < mu ? s1 : t1) += v;
      (i < mu ? s2 : t2) += v * v;
    }
    mu_eff = s1 * s1 / s2;  // eq. 8
    const double mu_eff_minus = t1 * t1 / t2;
    c_1 = 2 / ((dn + 1.3) * (dn + 1.3) + mu_eff);  // eq. 57
    c_mu = std::min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((dn + 2) * (dn + 2) + mu_eff));
    const double alpha_mu = 1 + c_1 / c_mu;                           // eq. 50
    const double alpha_mu_eff = 1 + 2 * mu_eff_minus / (mu_eff + 2);  // eq. 51
    const double alpha_pos_def = (1 - c_1 - c_mu) / (dn * c_mu);      // eq. 52
    double positive = 0, negative = 0;
    for (double v : prime) (v > 0 ? positive : negative) += std::abs(v);
    for (double v : prime)  // eq. 53
      w.push_back(v >= 0 ? v / positive
                         : std::min({alpha_mu, alpha_mu_eff, alpha_pos_def}) * v / negative);
    c_sigma = (mu_eff + 2) / (dn + mu_eff + 5);  // eq. 55
    d_sigma = 1 + 2 * std::max(0.0, std::sqrt((mu_eff - 1) / (dn + 1)) - 1) + c_sigma;
    c_c = (4 + mu_eff / dn) / (dn + 4 + 2 * mu_eff / dn);  // eq. 56
    chi_n = std::sqrt(dn) * (1 - 1 / (4 * dn) + 1 / (21 * dn * dn));
    p_sigma = p_c = Eigen::VectorXd::Zero(n);
    c = Eigen::MatrixXd::Identity(n, n);
  }

  void update(std::vector<CmaState::Solution> s) {
    ++g;
    std::stable_sort(s.begin(), s.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    std::vector<Eigen::VectorXd> y;
    for (const auto& [x, f] : s) y.push_back((x - m) / sigma);  // eq. 38
    Eigen::VectorXd y_w = Eigen::VectorXd::Zero(n);
    for (int i = 0; i < mu; ++i)
      y_w += w[static_cast<std::size_t>(i)] * y[static_cast<std::size_t>(i)];
    m += sigma * y_w;  // eqs. 41–42, c_m = 1
    const Eigen::MatrixXd c_inv_sqrt =
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(c).operatorInverseSqrt();
    p_sigma = (1 - c_sigma) * p_sigma +
              std::sqrt(c_sigma * (2 - c_sigma) * mu_eff) * (c_inv_sqrt * y_w);  // eq. 43
    sigma *= std::exp(c_sigma / d_sigma * (p_sigma.norm() / chi_n - 1));         // eq. 44
    const double h_sigma = p_sigma.norm() / std::sqrt(1 - std::pow(1 - c_sigma, 2.0 * (g + 1))) <
                                   (1.4 + 2 / (n + 1.0)) * chi_n
                               ? 1
                               : 0;
    p_c = (1 - c_c) * p_c + h_sigma * std::sqrt(c_c * (2 - c_c) * mu_eff) * y_w;  // eq. 45
    Eigen::MatrixXd rank_mu = Eigen::MatrixXd::Zero(n, n);
    double weight_sum = 0;
    for (int i = 0; i < lambda; ++i) {
      const auto& yi = y[static_cast<std::size_t>(i)];
      double w_circ = w[static_cast<std::size_t>(i)];  // eq. 46
      // + 1e-8: the `cmaes` package's guard against a zero step, part of Optuna's update.
      if (w_circ < 0) w_circ *= n / ((c_inv_sqrt * yi).squaredNorm() + 1e-8);
      rank_mu += w_circ * yi * yi.transpose();
      weight_sum += w[static_cast<std::size_t>(i)];
    }
    const double delta_h = (1 - h_sigma) * c_c * (2 - c_c);
    c = (1 + c_1 * delta_h - c_1 - c_mu * weight_sum) * c + c_1 * p_c * p_c.transpose() +
        c_mu * rank_mu;  // eq. 47
  }
};

TEST(CmaState, EachGenerationsUpdateEqualsTheTutorialsEquations) {
  // Samples from the state itself, told to both; on a rotated ellipsoid the negative weights'
  // rescaling and a full C take part, on a slope p_σ grows long and h_σ stalls p_c in some
  // generations and not in others (its bias correction counts generations).
  for (int n : {2, 5})
    for (bool slope : {false, true}) {
      const Eigen::VectorXd mean = box(n, 0.4);
      CmaState state(mean, 0.3, 0, box(n, -50), box(n, 50));
      Reference ref(mean, 0.3, state.population_size());
      Rng rng(11);
      auto f = [slope](const Eigen::VectorXd& x) {
        if (slope) return x.sum();
        double v = 0;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
          const double u = x.head(i + 1).sum() - 0.1;
          v += std::pow(10.0, static_cast<double>(i)) * u * u;
        }
        return v;
      };
      for (int g = 0; g < 12; ++g) {
        std::vector<CmaState::Solution> solutions;
        for (int i = 0; i < state.population_size(); ++i) {
          Eigen::VectorXd x = state.sample(rng);
          solutions.emplace_back(x, f(x));
        }
        ref.update(solutions);
        state.update(std::move(solutions));
        ASSERT_NEAR(state.sigma(), ref.sigma, 1e-12 * ref.sigma) << n << " " << slope << " " << g;
        for (int i = 0; i < n; ++i)
          ASSERT_NEAR(state.mean()[i], ref.m[i], 1e-12 * std::max(1.0, std::abs(ref.m[i])))
              << n << " " << slope << " " << g;
        const double scale = ref.c.cwiseAbs().maxCoeff();
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j)
            ASSERT_NEAR(state.covariance()(i, j), ref.c(i, j), 1e-10 * scale)
                << n << " " << slope << " " << g;
      }
    }
}

TEST(CmaState, ResamplesAnOutOfBoxDrawTenTimesNBeforeClipping) {
  // Optuna's CmaEsSampler gives the `cmaes` package n_max_resampling = 10 n: up to 10 n draws
  // outside the box are redrawn, then one more draw is clipped. With C = I and a draw inside with
  // probability p, a sample lies on the box's boundary exactly when all 10 n + 1 draws fell
  // outside: (1 − p)^(10 n + 1); 100 redraws, or clipping at once, would give another fraction.
  const int n = 2;
  const double sigma = 1.25, half = 0.5;
  const double p = std::pow(std::erf(half / sigma / std::sqrt(2.0)), n);  // each |z σ| < 0.5
  CmaState state(box(n, 0.5), sigma, 0, box(n, 0), box(n, 1));
  Rng rng(21);
  const int samples = 40000;
  int clipped = 0;
  for (int i = 0; i < samples; ++i) {
    const Eigen::VectorXd x = state.sample(rng);
    ASSERT_TRUE((x.array() >= 0).all() && (x.array() <= 1).all()) << x.transpose();
    clipped += (x.array() == 0).any() || (x.array() == 1).any();
  }
  const double expected = std::pow(1 - p, 10 * n + 1);
  const double se = std::sqrt(expected * (1 - expected) / samples);
  EXPECT_NEAR(static_cast<double>(clipped) / samples, expected, 4 * se) << "p " << p;
}

TEST(CmaState, RefusesWrongGenerationsAndArguments) {
  CmaState state(box(2, 0.5), 0.1, 6, box(2, 0), box(2, 1));
  std::vector<CmaState::Solution> five(5, {box(2, 0.5), 1.0});
  try {
    state.update(five);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs 6 results, got 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CmaState(box(2, 0.5), 0.0, 0, box(2, 0), box(2, 1)), Error);
  EXPECT_THROW(CmaState(box(2, 1.5), 0.1, 0, box(2, 0), box(2, 1)), Error);
  EXPECT_THROW(CmaState(box(2, 0.5), 0.1, 1, box(2, 0), box(2, 1)), Error);
}

TEST(CmaState, StopsWhenTheValuesAreFlat) {
  // A constant function: no information, the best and worst of every generation are equal.
  CmaState state(box(2, 0.5), 0.1, 0, box(2, 0), box(2, 1));
  Rng rng(1);
  EXPECT_FALSE(state.should_stop());
  run(
      state, [](const Eigen::VectorXd&) { return 1.0; }, 40, rng);
  EXPECT_TRUE(state.should_stop());
}

}  // namespace
}  // namespace nnlab::search
