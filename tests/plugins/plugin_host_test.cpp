#include "plugin_host.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "nnlab/plugin.hpp"
#include "nnlab/text.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

const std::string kFixtures = NNLAB_TEST_FIXTURES;

TEST(PluginHost, LoadsEveryBuiltInPluginWithItsComponents) {
  const PluginHost& host = test::builtin_host();
  std::vector<std::string> names;
  for (const auto& p : host.plugins()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"augmentations", "datasets", "layers", "objectives",
                                             "optimizers", "regularizers", "search"}));
  const Registries& r = host.registries();
  for (const char* key : {"dense", "batch_norm", "relu", "sigmoid", "tanh", "dropout", "add"})
    EXPECT_TRUE(r.layers.contains(key)) << key;
  for (const char* key : {"softmax_cross_entropy", "mse"})
    EXPECT_TRUE(r.losses.contains(key)) << key;
  for (const char* key : {"l1", "l2"}) EXPECT_TRUE(r.regularizers.contains(key)) << key;
  for (const char* key : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"})
    EXPECT_TRUE(r.optimizers.contains(key)) << key;
  for (const char* key : {"idx", "synthetic"}) EXPECT_TRUE(r.datasets.contains(key)) << key;
  for (const char* key : {"rotate", "equalize", "cutout"})
    EXPECT_TRUE(r.augmentations.contains(key)) << key;
  for (const char* key : {"grid", "random", "sobol", "tpe", "bayes"})
    EXPECT_TRUE(r.strategies.contains(key)) << key;
  for (const char* key : {"median", "asha", "hyperband"})
    EXPECT_TRUE(r.pruners.contains(key)) << key;
  for (const char* key : {"bowl", "rosenbrock", "branin", "rastrigin", "hartmann6"})
    EXPECT_TRUE(r.objectives.contains(key)) << key;
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

TEST(PluginHost, ADuplicateKeyWithinOnePluginNamesItAndKeepsNothing) {
  PluginHost host;
  const std::string file = std::filesystem::canonical(kFixtures + "/test_duplicate_within.so");
  EXPECT_EQ(test::error_of([&] { host.load_file(file); }),
            "plugin " + file + ": duplicate optimizer 'twice': already registered by " + file);
  EXPECT_FALSE(host.registries().optimizers.contains("once"));
  EXPECT_FALSE(host.registries().optimizers.contains("twice"));
  EXPECT_TRUE(host.plugins().empty());
}

TEST(PluginHost, APluginThatThrowsWhileRegisteringLeavesNothingAndOneLineNamingIt) {
  PluginHost host;
  host.load_search_path({PluginHost::builtin_plugin_dir()});
  const std::string file = std::filesystem::canonical(kFixtures + "/test_throws_after_two.so");
  const auto message = test::error_of([&] { host.load_file(file); });
  EXPECT_EQ(message, "plugin " + file +
                         ": registering its components failed: the fixture gives up after two "
                         "components");
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  // Its two staged components were never committed; the built-ins are untouched.
  EXPECT_FALSE(host.registries().optimizers.contains("staged_optimizer"));
  EXPECT_FALSE(host.registries().regularizers.contains("staged_regularizer"));
  EXPECT_TRUE(host.registries().optimizers.contains("sgd"));
  EXPECT_EQ(host.plugins().size(), 7u);
}

TEST(PluginHost, ASchemaThatThrowsLogicErrorIsOneLineNamingThePlugin) {
  PluginHost host;
  const std::string file = std::filesystem::canonical(kFixtures + "/test_bad_schema.so");
  const auto message = test::error_of([&] { host.load_file(file); });
  EXPECT_EQ(message,
            "plugin " + file + ": registering its components failed: schema declares 'lr' twice");
  EXPECT_FALSE(host.registries().optimizers.contains("bad_schema"));
}

TEST(PluginHost, TheSameFileReachedTwiceLoadsOnce) {
  PluginHost host;
  host.load_search_path(
      {PluginHost::builtin_plugin_dir(), PluginHost::builtin_plugin_dir() + "/optimizers.so"});
  EXPECT_EQ(host.plugins().size(), 7u);
}

TEST(PluginHost, NnlabPluginPathIsSearchedBeforeTheBuiltIns) {
  ::setenv("NNLAB_PLUGIN_PATH", "/a:/b", 1);
  const auto path = PluginHost::default_search_path({"/x"});
  ::unsetenv("NNLAB_PLUGIN_PATH");
  EXPECT_EQ(path, (std::vector<std::string>{"/x", "/a", "/b", PluginHost::builtin_plugin_dir()}));
}

TEST(PluginHost, NnlabPluginPathNeverMeansTheCurrentDirectory) {
  ::setenv("NNLAB_PLUGIN_PATH", ":/a::", 1);  // empty entries are skipped, not "."
  const auto path = PluginHost::default_search_path({});
  ::setenv("NNLAB_PLUGIN_PATH", "/a:plugins", 1);
  const auto message = test::error_of([] { PluginHost::default_search_path({}); });
  ::unsetenv("NNLAB_PLUGIN_PATH");
  EXPECT_EQ(path, (std::vector<std::string>{"/a", PluginHost::builtin_plugin_dir()}));
  EXPECT_EQ(message,
            "plugin plugins: NNLAB_PLUGIN_PATH entries must be absolute paths: a relative one "
            "would load code from the current directory");
}

/// A private folder (0755, ours) holding a copy of the sign_sgd fixture.
struct PluginCopy {
  test::TempDir dir;
  std::filesystem::path folder = dir.path() / "plugins";
  std::filesystem::path file = folder / "sign_sgd.so";
  PluginCopy() {
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(kFixtures + "/test_sign_sgd.so", file);
    std::filesystem::permissions(dir.path(), std::filesystem::perms(0755));
    std::filesystem::permissions(folder, std::filesystem::perms(0755));
    std::filesystem::permissions(file, std::filesystem::perms(0755));
  }
};

/// The error loading `path` gives; empty if it loads.
std::string load_error(const std::string& path) {
  try {
    PluginHost host;
    host.load_search_path({path});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(PluginHost, APluginOtherUsersCanWriteIsRefusedSayingWhy) {
  PluginCopy copy;
  EXPECT_EQ(load_error(copy.file.string()), "");
  EXPECT_EQ(load_error(copy.folder.string()), "");

  std::filesystem::permissions(copy.file, std::filesystem::perms(0757));
  EXPECT_EQ(load_error(copy.file.string()),
            "plugin " + copy.file.string() +
                ": refused: the plugin can be changed by every user (mode 0757), who could then "
                "run code as you; make it yours with no group/other write (chmod go-w)");
  std::filesystem::permissions(copy.file, std::filesystem::perms(0755));

  // The folder it is in: others could swap the file.
  std::filesystem::permissions(copy.folder, std::filesystem::perms(0777));
  EXPECT_NE(load_error(copy.file.string())
                .find("refused: the folder " + copy.folder.string() +
                      " above it can be changed by every user (mode 0777)"),
            std::string::npos);
  // A sticky folder protects a named file, but not a folder whose every .so is loaded.
  std::filesystem::permissions(copy.folder, std::filesystem::perms(01777));
  EXPECT_EQ(load_error(copy.file.string()), "");
  EXPECT_NE(load_error(copy.folder.string())
                .find("refused: the plugin folder can be changed by every user (mode 1777)"),
            std::string::npos);
  std::filesystem::permissions(copy.folder, std::filesystem::perms(0755));

  // A group that is not the owner's own.
  ASSERT_EQ(::chown(copy.file.c_str(), ::geteuid(), 4321), 0);
  std::filesystem::permissions(copy.file, std::filesystem::perms(0775));
  EXPECT_NE(load_error(copy.file.string()).find("can be changed by group 4321 (mode 0775)"),
            std::string::npos);
  std::filesystem::permissions(copy.file, std::filesystem::perms(0755));
  EXPECT_EQ(load_error(copy.file.string()), "");
  // A file another user owns.
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(copy.file.c_str(), 4321, 4321), 0);
    EXPECT_NE(load_error(copy.file.string()).find("can be changed by its owner uid 4321"),
              std::string::npos);
  }
}

TEST(PluginHost, AnExperimentsPluginsAreRelativeToItsFileAndErrorsNameTheLine) {
  PluginCopy copy;
  std::string yaml = "plugins: [plugins/sign_sgd.so]\n" + test::synthetic_experiment();
  yaml.replace(yaml.find("{kind: sgd, lr: 0.1}"), 20, "{kind: sign_sgd, lr: 0.01}");
  const auto spec = load_experiment(copy.dir.write("e.yaml", yaml));
  ASSERT_EQ(spec.plugins, std::vector<std::string>{copy.file.string()});
  // The resolved experiment names the file absolutely, so it reruns from any folder.
  EXPECT_NE(spec.resolved_yaml.find(copy.file.string()), std::string::npos);
  PluginHost host;
  host.load_for(spec, {});
  EXPECT_TRUE(host.registries().optimizers.contains("sign_sgd"));
  EXPECT_NO_THROW(host.create(host.registries().optimizers, spec.optimizer));

  std::string missing_yaml = yaml;
  missing_yaml.replace(0, missing_yaml.find('\n'), "plugins: nothere.so");
  const auto missing = load_experiment(copy.dir.write("m.yaml", missing_yaml));
  EXPECT_EQ(test::error_of([&] {
              PluginHost h;
              h.load_for(missing, {});
            }),
            copy.dir.file("m.yaml") + ":1:10: plugins[0]: plugin " + copy.dir.file("nothere.so") +
                ": no such file or folder");
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

TEST(Registry, DidYouMeanIsTheHintOrNothing) {
  const std::vector<std::string> known = {"adam", "sgd"};
  EXPECT_EQ(did_you_mean("adma", known), "; did you mean 'adam'?");
  EXPECT_EQ(did_you_mean("banana", known), "");
}

TEST(Registry, EverySlotNamesItsRegistryAndStagingArea) {
  // The table's typed rows and its text agree, in ComponentSlot order.
  Registries registries;
  Registrar registrar("p.so");
  std::size_t index = 0;
  for_each_slot([&](const auto& row) {
    using T = typename std::decay_t<decltype(row)>::Component;
    EXPECT_EQ(static_cast<std::size_t>(row.info.slot), index++);
    EXPECT_EQ(slot_of<T>().slot, row.info.slot);
    EXPECT_EQ(slot_info(row.info.slot).kind_name, row.info.kind_name);
    EXPECT_TRUE((registries.*row.registry).entries().empty());
    EXPECT_TRUE((registrar.*row.staged).staged().empty());
  });
  EXPECT_EQ(index, kSlotInfos.size());
  EXPECT_EQ(slot_info(ComponentSlot::strategy).kind_name, "search strategy");
  EXPECT_EQ(registrar.plugin_path(), "p.so");
}

}  // namespace
}  // namespace nnlab
