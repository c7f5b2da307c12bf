// Package scada reads 10-minute wind-turbine SCADA exports and turbine
// event logs, and normalises them to one row per turbine and UTC stamp.
//
// It owns the canonical signal names (modelled on the logical nodes of
// IEC 61400-25-2: WMET, WTUR, WROT, WGEN, WTRM, WNAC, WYAW), the mappings
// from export columns to those names (built in for the two ENGIE La Haute
// Borne exports, or loaded from a YAML mapping file), the CSV reader that
// copes with what real exports do (Latin-1 or UTF-8 with a byte-order mark,
// ';' or ',' or tab, quoted fields, CRLF, offsets and daylight-saving
// changes, rows out of order, duplicates, rows with a stamp and no values,
// one turbine split over many files), and the Report that says what the
// normalisation fixed or found. Event and alarm logs (the EDP alarm log and
// failure list, CARE-to-Compare event_info) are parsed into Events.
//
// Main types: Ingester (Add files, then Finish), Table and Row (the
// normalised data, sorted by turbine then time), Report, Mapping, Event.
// Ingest is the one-call form over files and folders; files and folders
// may be object-storage URLs (an object is a file, a prefix a folder of
// *.csv objects), read through datasets/store.
//
// scada must not judge the data: quality flags, power curves and models
// belong to later stages. Normalisation only removes what cannot be kept
// (exact duplicates, rows without any value) and says so in the Report.
// Bad input never panics; every error names the file and, where there is
// one, the line.
package scada
