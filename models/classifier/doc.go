// Package classifier turns a features table into a trained fault
// classifier and judges it: the model file (versioned JSON with the
// feature names and units, the classes, the median imputation and
// standardisation, a fingerprint of the training data, the options and
// the evaluation metrics), the data set drawn from a table, leakage-safe
// grouped splits, cross-validation, and the metrics (confusion matrix,
// per-class precision, recall and F1, macro-F1, balanced accuracy,
// one-vs-rest AUROC).
//
// The learners live in models/forest and models/logreg; classifier prepares
// their inputs (missing values → the training median; for logistic
// regression, standardised by the training mean and standard deviation)
// and maps their class indices to names.
//
// classifier must not read captures or format reports; it reads a model
// file, which is untrusted input (Read validates it).
package classifier
