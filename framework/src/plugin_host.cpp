#include "plugin_host.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include <boost/dll/runtime_symbol_info.hpp>

#include "experiment.hpp"
#include "nnlab/plugin.hpp"
#include "nnlab/text.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

std::string user_name(uid_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
    return found->pw_name;
  return "uid " + std::to_string(uid);
}

/// Whether group `gid` is the user-private group of `owner` (Debian's default: a group of the
/// user's name, with no other members, as the user's primary group).
bool private_group_of(gid_t gid, uid_t owner) {
  passwd user{};
  passwd* user_found = nullptr;
  std::vector<char> user_buffer(16384);
  if (getpwuid_r(owner, &user, user_buffer.data(), user_buffer.size(), &user_found) != 0 ||
      !user_found || user.pw_gid != gid)
    return false;
  group entry{};
  group* found = nullptr;
  std::vector<char> buffer(65536);
  if (getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return false;
  const bool no_other_members = !entry.gr_mem || !entry.gr_mem[0] ||
                                (std::string(entry.gr_mem[0]) == user.pw_name && !entry.gr_mem[1]);
  return std::string(entry.gr_name) == user.pw_name && no_other_members;
}

/// Who, besides the owner and root, can change what is at `st`; empty if nobody.
std::string other_writers(const struct stat& st) {
  if (st.st_uid != 0 && st.st_uid != geteuid()) return "its owner " + user_name(st.st_uid);
  if (st.st_mode & S_IWOTH) return "every user";
  if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && !private_group_of(st.st_gid, st.st_uid)) {
    group entry{};
    group* found = nullptr;
    std::vector<char> buffer(65536);
    const bool named =
        getgrgid_r(st.st_gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found;
    return "group " + (named ? std::string(entry.gr_name) : std::to_string(st.st_gid));
  }
  return "";
}

std::string mode_text(const struct stat& st) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return text;
}

/// Moves what a plugin staged into the registries, all of it or (throwing PluginError) none: a
/// key taken by another plugin, or staged twice by this one, is refused naming both plugins.
void commit(const Registrar& registrar, Registries& registries) {
  const std::string& plugin = registrar.plugin_path();
  for_each_slot([&](const auto& row) {
    const auto& registry = registries.*row.registry;
    std::set<std::string> staged_keys;
    for (const auto& staged : (registrar.*row.staged).staged()) {
      std::string owner;
      if (const auto* entry = registry.find(staged.key)) owner = entry->plugin;
      if (!staged_keys.insert(staged.key).second) owner = plugin;
      if (!owner.empty()) {
        throw PluginError(plugin, "duplicate " + std::string(row.info.kind_name) + " '" +
                                      staged.key + "': already registered by " + owner);
      }
    }
  });
  // Every key is free: inserting cannot clash, but may run out of memory; then take back what was
  // inserted, so the registries never hold part of a plugin.
  std::vector<std::function<void()>> undo;
  try {
    for_each_slot([&](const auto& row) {
      auto& registry = registries.*row.registry;
      for (const auto& staged : (registrar.*row.staged).staged()) {
        // The key is free, so its undo erases only what this commit inserts.
        undo.push_back([&registry, key = staged.key] { registry.erase(key); });
        registry.insert(staged.key, {staged.factory, staged.schema, plugin});
      }
    });
  } catch (...) {
    for (auto& take_back : undo) take_back();
    throw;
  }
}

}  // namespace

void PluginHost::check_not_writable_by_others(const std::string& path, bool is_directory) {
  std::error_code ec;
  const fs::path target = fs::canonical(path, ec);
  if (ec) return;  // loading reports a missing file
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return;
  const std::string what = is_directory ? "plugin folder" : "plugin";
  if (auto who = other_writers(st); !who.empty()) {
    throw PluginError(target.string(),
                      "refused: the " + what + " can be changed by " + who + " (mode " +
                          mode_text(st) + "), who could then run code as you; make it yours with " +
                          "no group/other write (chmod go-w)");
  }
  // The folders above: whoever can rename entries in one of them can swap the plugin. A sticky
  // folder (/tmp) lets nobody rename what they do not own.
  for (fs::path dir = target.parent_path();; dir = dir.parent_path()) {
    if (::stat(dir.c_str(), &st) == 0 && !(st.st_mode & S_ISVTX)) {
      if (auto who = other_writers(st); !who.empty()) {
        throw PluginError(target.string(), "refused: the folder " + dir.string() +
                                               " above it can be changed by " + who + " (mode " +
                                               mode_text(st) + "), who could then replace the " +
                                               what + " with their own code");
      }
    }
    if (dir == dir.root_path() || dir.empty()) break;
  }
}

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
      // An empty entry is skipped, never read as "the current directory" (as LD_LIBRARY_PATH
      // does), and a relative one is refused: the environment must not make nnlab load code from
      // whatever folder it happens to run in.
      if (end > start) {
        const std::string entry = list.substr(start, end - start);
        if (fs::path(entry).is_relative()) {
          throw PluginError(entry,
                            "NNLAB_PLUGIN_PATH entries must be absolute paths: a relative one "
                            "would load code from the current directory");
        }
        path.push_back(entry);
      }
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
      // Every .so in it will be loaded: nobody else may add one, sticky bit or not.
      check_not_writable_by_others(entry, true);
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
  check_not_writable_by_others(canonical, false);
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
  Registrar registrar(canonical);
  // Whatever the plugin throws becomes one line naming its file; nothing it staged is kept.
  try {
    info->register_components(registrar);
  } catch (const std::exception& e) {
    throw PluginError(canonical, std::string("registering its components failed: ") + e.what());
  } catch (...) {
    throw PluginError(canonical, "registering its components threw a non-standard exception");
  }
  commit(registrar, *registries_);
  plugins_.push_back({canonical, info->name, info->version});
  libraries_.push_back(std::move(library));
}

void PluginHost::load_for(const ExperimentSpec& spec, const std::vector<std::string>& extra) {
  load_search_path(extra);
  for (std::size_t i = 0; i < spec.plugins.size(); ++i) {
    try {
      std::error_code ec;
      if (!fs::exists(spec.plugins[i], ec))
        throw PluginError(spec.plugins[i], "no such file or folder");
      load_search_path({spec.plugins[i]});
    } catch (const PluginError& e) {
      throw ConfigError(spec.plugins_where[i], "plugins[" + std::to_string(i) + "]", e.what());
    }
  }
  load_search_path(default_search_path({}));
}

std::string PluginHost::unknown_message(const std::string& kind_name, const std::string& key,
                                        const std::vector<std::string>& known) const {
  std::string message = "unknown " + kind_name + " '" + key + "'" + did_you_mean(key, known);
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
