#pragma once
/// One component as an experiment declares it. Apart from experiment.hpp so the plugin host, which
/// creates components from these, need not include the whole experiment.
#include <string>

#include "nnlab/error.hpp"
#include "nnlab/params.hpp"

namespace nnlab {

/// `{kind: <registry key>, ...params}`.
struct ComponentSpec {
  std::string kind;
  Params params;
  SourceLocation where;  ///< of the `kind` value
  std::string path;      ///< e.g. "model.layers[2]"
};

}  // namespace nnlab
