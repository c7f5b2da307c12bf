// Package models holds learned and statistical judgement: classifiers,
// baselines, scores and the alarm state machine. It is empty until the
// fault-classification work lands.
//
// models must not read captures or format reports.
package models
