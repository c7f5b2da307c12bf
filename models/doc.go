// Package models holds learned and statistical judgement: baselines per
// operating class, robust and multivariate scores, the alarm state
// machine, and (in sub-packages) classifiers.
//
// The condition-monitoring part works on Observations, one per capture
// of one sensor, holding the values of a few key Indicators:
//
//   - FitBaseline learns, from a healthy reference period, the median and
//     robust scale of every indicator per operating class (speed or power
//     bins), and a shrunk covariance of the standardised indicators;
//   - Baseline.Score turns an observation into robust z-scores, a
//     Mahalanobis distance and an instantaneous Severity;
//   - an AlarmTracker per turbine component turns the sequence of
//     severities into alarms with persistence (k of the last n captures),
//     escalation only when the severity rises, and closing when it stays
//     clear.
//
// The sub-packages hold the learned models: models/forest (random
// forest) and models/logreg (multinomial logistic regression) behind
// models/classifier (datasets, model files, grouped cross-validation,
// metrics), models/powercurve (IEC 61400-12-1 style power curves and
// SCADA quality flags) and models/nbm (normal-behaviour models of
// component temperatures and their events).
//
// models must not read captures or format reports.
package models
