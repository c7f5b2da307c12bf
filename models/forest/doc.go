// Package forest is a random-forest classifier (Breiman 2001): CART trees
// grown on bootstrap samples with the Gini impurity, a random subset of
// the features tried at every split, class weights for imbalanced data,
// class probabilities as the mean of the trees' leaf distributions, and
// impurity and permutation importances.
//
// Training is seeded and deterministic: tree i draws from its own random
// stream derived from the seed and i, so the forest is the same whatever
// the number of goroutines that grow it.
//
// The inputs are dense rows of finite numbers: missing values are replaced
// before (models/classifier imputes medians). forest must not read or
// write files; a Forest is marshalled to JSON by the model file.
package forest
