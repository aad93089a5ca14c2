#include "plugin_host.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <boost/dll/runtime_symbol_info.hpp>

#include "nnlab/plugin.hpp"

namespace nnlab {

namespace fs = std::filesystem;

PluginHost::PluginHost() : registries_(std::make_unique<Registries>()) {}

PluginHost::~PluginHost() {
  // Registries hold function pointers into the libraries: drop them before the libraries go.
  registries_.reset();
}

std::string PluginHost::builtin_plugin_dir() {
  const fs::path core(boost::dll::this_line_location().string());
  return fs::weakly_canonical(core.parent_path() / "nnlab" / "plugins").string();
}

std::vector<std::string> PluginHost::default_search_path(const std::vector<std::string>& extra) {
  std::vector<std::string> path = extra;
  if (const char* env = std::getenv("NNLAB_PLUGIN_PATH")) {
    std::string list(env);
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t end = std::min(list.find(':', start), list.size());
      if (end > start) path.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  }
  path.push_back(builtin_plugin_dir());
  return path;
}

void PluginHost::load_search_path(const std::vector<std::string>& search_path) {
  for (const auto& entry : search_path) {
    search_path_.push_back(entry);
    std::error_code ec;
    if (fs::is_directory(entry, ec)) {
      std::vector<std::string> files;
      for (const auto& f : fs::directory_iterator(entry)) {
        if (f.is_regular_file() && f.path().extension() == ".so")
          files.push_back(f.path().string());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) load_file(f);
    } else if (fs::exists(entry, ec)) {
      load_file(entry);
    } else if (entry.ends_with(".so")) {
      throw PluginError(entry, "no such file");
    }
  }
}

void PluginHost::load_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw PluginError(path, "no such file");
  const std::string canonical = fs::canonical(path, ec).string();
  for (const auto& p : plugins_) {
    if (p.path == canonical) return;  // the same file reached twice on the search path
  }
  boost::dll::shared_library library;
  try {
    library.load(canonical, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw PluginError(canonical, std::string("cannot be loaded: ") + e.what());
  }
  if (!library.has("nnlab_plugin")) {
    throw PluginError(canonical,
                      "not an nnlab plugin (it exports no 'nnlab_plugin' entry point; "
                      "declare one with NNLAB_PLUGIN)");
  }
  const PluginInfo* info = library.get_alias<PluginEntryPoint>("nnlab_plugin")();
  if (!info) throw PluginError(canonical, "its nnlab_plugin entry point returned nothing");
  if (info->abi_version != kAbiVersion || std::string(info->abi_tag) != NNLAB_ABI_TAG) {
    throw PluginError(canonical, "built for nnlab ABI " + std::to_string(info->abi_version) + " (" +
                                     info->abi_tag + "), but this nnlab is ABI " +
                                     std::to_string(kAbiVersion) +
                                     " (" NNLAB_ABI_TAG "); rebuild the plugin");
  }
  registries_->set_current_plugin(canonical);
  try {
    info->register_components(*registries_);
  } catch (...) {
    registries_->set_current_plugin("<core>");
    throw;
  }
  registries_->set_current_plugin("<core>");
  plugins_.push_back({canonical, info->name, info->version});
  libraries_.push_back(std::move(library));
}

std::string PluginHost::unknown_message(const std::string& kind_name, const std::string& key,
                                        const std::vector<std::string>& known) const {
  std::string message = "unknown " + kind_name + " '" + key + "'";
  if (auto near = nearest_key(key, known); !near.empty())
    message += "; did you mean '" + near + "'?";
  if (known.empty()) {
    message += "; no plugin provides any " + kind_name;
  } else {
    message += " (known:";
    for (const auto& k : known) message += " " + k;
    message += ")";
  }
  message += "; plugins searched in:";
  for (const auto& dir : search_path_) message += " " + dir;
  return message;
}

}  // namespace nnlab
