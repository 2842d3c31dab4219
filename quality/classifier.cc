#include "quality/classifier.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

#include <filesystem>
#include <sstream>
#include <system_error>
#include <vector>

namespace stocktake::quality {

Classifier::~Classifier() = default;

std::unique_ptr<Classifier> Classifier::Load(const std::string& model_path, const std::string& label,
                                             std::string* error) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_path, ec)) {
    *error = "classifier model '" + model_path + "' is not a readable file";
    return nullptr;
  }
  std::unique_ptr<Classifier> c(new Classifier());
  c->model_ = std::make_unique<fasttext::FastText>();
  try {
    c->model_->loadModel(model_path);
  } catch (const std::exception& e) {
    *error = "classifier model '" + model_path + "' cannot be loaded: " + e.what();
    return nullptr;
  }
  auto dict = c->model_->getDictionary();
  bool found = false;
  std::string labels;
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    std::string name = dict->getLabel(i);
    found = found || name == label;
    labels += (labels.empty() ? "" : ", ") + name;
  }
  if (!found) {
    *error = "classifier model '" + model_path + "' has no label '" + label + "' (it has: " + labels + ")";
    return nullptr;
  }
  c->label_ = label;
  return c;
}

double Classifier::Score(std::string_view text) const {
  // fastText reads one line: newlines become spaces, as DCLM scores pages.
  std::string line(text);
  for (char& ch : line) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  line.push_back('\n');
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(in, predictions, -1, 0.0);
  for (const auto& [probability, name] : predictions) {
    if (name == label_) return static_cast<double>(probability);
  }
  return 0;
}

std::string TrainClassifier(const std::string& training_file, const std::string& model_prefix, int epochs) {
  fasttext::Args args;
  args.input = training_file;
  args.output = model_prefix;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.epoch = epochs;
  args.lr = 0.5;
  args.dim = 16;
  args.minCount = 1;
  args.wordNgrams = 1;
  args.bucket = 0;
  args.minn = 0;
  args.maxn = 0;
  args.thread = 1;  // one thread: the model is the same on every run
  args.verbose = 0;
  args.seed = 1;
  try {
    fasttext::FastText model;
    model.train(args);
    model.saveModel(model_prefix + ".bin");
  } catch (const std::exception& e) {
    return std::string("training failed: ") + e.what();
  }
  return "";
}

}  // namespace stocktake::quality
