// Optional model-based quality score: a fastText classifier (Debian
// libfasttext), as DCLM and FineWeb-Edu score pages. The score of a text is
// the probability the model gives one configured label ("__label__hq").
// No model ships with stocktake; the configuration names a .bin file.
// Score() is const and thread-safe (fastText prediction keeps its state on
// the stack).
#ifndef STOCKTAKE_QUALITY_CLASSIFIER_H_
#define STOCKTAKE_QUALITY_CLASSIFIER_H_

#include <memory>
#include <string>
#include <string_view>

namespace fasttext {
class FastText;
}

namespace stocktake::quality {

class Classifier {
 public:
  // nullptr and *error set if the model cannot be loaded or lacks `label`.
  static std::unique_ptr<Classifier> Load(const std::string& model_path, const std::string& label,
                                          std::string* error);
  ~Classifier();

  // Probability of the label for `text` (newlines are treated as spaces).
  double Score(std::string_view text) const;

 private:
  Classifier() = default;
  std::unique_ptr<fasttext::FastText> model_;
  std::string label_;
};

// Trains a supervised fastText model from "__label__x text" lines (used by
// the tests to make a tiny model at test time). Returns "" or an error.
std::string TrainClassifier(const std::string& training_file, const std::string& model_prefix, int epochs);

}  // namespace stocktake::quality

#endif  // STOCKTAKE_QUALITY_CLASSIFIER_H_
