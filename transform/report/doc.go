// Package report holds the results of a render as plain values and writes
// them in the formats people and tools read: one file per format behind the
// Writer interface. It decides nothing about exit codes; the CLI does.
package report
