// Package logreg is multinomial logistic regression with an L2 penalty,
// fitted by L-BFGS (gonum.org/v1/gonum/optimize): the linear baseline
// next to the random forest.
//
// It expects standardised inputs (models/classifier standardises with the
// training mean and standard deviation) so that one penalty suits every
// feature. logreg must not read or write files.
package logreg
