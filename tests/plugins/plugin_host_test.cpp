#include "plugin_host.hpp"

#include <gtest/gtest.h>

#include "nnlab/plugin.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

const std::string kFixtures = NNLAB_TEST_FIXTURES;

TEST(PluginHost, LoadsEveryBuiltInPluginWithItsComponents) {
  const PluginHost& host = test::builtin_host();
  std::vector<std::string> names;
  for (const auto& p : host.plugins()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"datasets", "layers", "optimizers", "regularizers", "search"}));
  const Registries& r = host.registries();
  for (const char* key : {"dense", "batch_norm", "relu", "sigmoid", "tanh", "dropout", "add"})
    EXPECT_TRUE(r.layers.contains(key)) << key;
  for (const char* key : {"softmax_cross_entropy", "mse"})
    EXPECT_TRUE(r.losses.contains(key)) << key;
  for (const char* key : {"l1", "l2"}) EXPECT_TRUE(r.regularizers.contains(key)) << key;
  for (const char* key : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"})
    EXPECT_TRUE(r.optimizers.contains(key)) << key;
  for (const char* key : {"idx", "synthetic"}) EXPECT_TRUE(r.datasets.contains(key)) << key;
  for (const char* key : {"grid", "random"}) EXPECT_TRUE(r.strategies.contains(key)) << key;
  // Each entry records the plugin that registered it.
  EXPECT_NE(r.optimizers.find("adam")->plugin.find("optimizers.so"), std::string::npos);
  EXPECT_FALSE(r.optimizers.find("adam")->schema.summary().empty());
}

TEST(PluginHost, AMissingFileIsNamed) {
  PluginHost host;
  EXPECT_EQ(test::error_of([&] { host.load_file("/nonexistent/p.so"); }),
            "plugin /nonexistent/p.so: no such file");
  EXPECT_EQ(test::error_of([&] { host.load_search_path({"/nonexistent/q.so"}); }),
            "plugin /nonexistent/q.so: no such file");
}

TEST(PluginHost, ALibraryWithoutTheEntryPointIsNotAPlugin) {
  PluginHost host;
  const auto message = test::error_of([&] { host.load_file(kFixtures + "/test_not_a_plugin.so"); });
  EXPECT_NE(message.find("test_not_a_plugin.so: not an nnlab plugin"), std::string::npos)
      << message;
}

TEST(PluginHost, AFileThatIsNotASharedLibraryCannotBeLoaded) {
  test::TempDir dir;
  const auto path = dir.write("fake.so", "not an ELF file");
  PluginHost host;
  const auto message = test::error_of([&] { host.load_file(path); });
  EXPECT_NE(message.find("fake.so: cannot be loaded"), std::string::npos) << message;
}

TEST(PluginHost, AnAbiMismatchNamesBothVersions) {
  PluginHost host;
  const auto message = test::error_of([&] { host.load_file(kFixtures + "/test_wrong_abi.so"); });
  EXPECT_NE(message.find("built for nnlab ABI " + std::to_string(kAbiVersion + 998)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("this nnlab is ABI " + std::to_string(kAbiVersion)), std::string::npos)
      << message;
}

TEST(PluginHost, ADuplicateKeyNamesBothPlugins) {
  PluginHost host;
  host.load_search_path({PluginHost::builtin_plugin_dir()});
  const auto message =
      test::error_of([&] { host.load_file(kFixtures + "/test_duplicate_sgd.so"); });
  EXPECT_NE(
      message.find("test_duplicate_sgd.so: duplicate optimizer 'sgd': already registered by "),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("optimizers.so"), std::string::npos) << message;
}

TEST(PluginHost, TheSameFileReachedTwiceLoadsOnce) {
  PluginHost host;
  host.load_search_path(
      {PluginHost::builtin_plugin_dir(), PluginHost::builtin_plugin_dir() + "/optimizers.so"});
  EXPECT_EQ(host.plugins().size(), 5u);
}

TEST(PluginHost, NnlabPluginPathIsSearchedBeforeTheBuiltIns) {
  ::setenv("NNLAB_PLUGIN_PATH", "/a:/b", 1);
  const auto path = PluginHost::default_search_path({"/x"});
  ::unsetenv("NNLAB_PLUGIN_PATH");
  EXPECT_EQ(path, (std::vector<std::string>{"/x", "/a", "/b", PluginHost::builtin_plugin_dir()}));
}

TEST(PluginHost, WithoutTheOptimizersPluginAnOptimizerIsUnknownAndTheSearchPathIsShown) {
  test::TempDir dir;
  for (const char* plugin : {"layers.so", "datasets.so"}) {
    std::filesystem::copy_file(PluginHost::builtin_plugin_dir() + "/" + plugin, dir.file(plugin));
  }
  PluginHost host;
  host.load_search_path({dir.path().string()});
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml");
  const auto message =
      test::error_of([&] { host.create(host.registries().optimizers, spec.optimizer); });
  EXPECT_EQ(message,
            "t.yaml:10:19: optimizer.kind: unknown optimizer 'sgd'; no plugin provides any "
            "optimizer; plugins searched in: " +
                dir.path().string());
}

TEST(Registry, NearestKeyFindsTyposOnly) {
  const std::vector<std::string> known = {"adagrad", "adam", "adamw", "momentum", "sgd"};
  EXPECT_EQ(nearest_key("adma", known), "adam");
  EXPECT_EQ(nearest_key("momentun", known), "momentum");
  EXPECT_EQ(nearest_key("banana", known), "");
}

}  // namespace
}  // namespace nnlab
