// The default quality model, compiled once per test binary.
#ifndef STOCKTAKE_TESTS_PIPELINE_DEFAULT_MODEL_H_
#define STOCKTAKE_TESTS_PIPELINE_DEFAULT_MODEL_H_

#include <memory>

#include "pipeline/run.h"

namespace stocktake::pipeline {

inline const quality::QualityModel* DefaultModel() {
  static const std::unique_ptr<quality::QualityModel> model = *LoadQualityModel(Config{});
  return model.get();
}

}  // namespace stocktake::pipeline

#endif  // STOCKTAKE_TESTS_PIPELINE_DEFAULT_MODEL_H_
